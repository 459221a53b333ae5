/**
 * One place where every refusal for a resource limit is counted (for /metrics) and logged as a
 * structured line. A flood of refusals for one limit is folded into one line per interval, so an
 * abusive client cannot fill the disk through the log.
 */
import { LIMIT_LOG_INTERVAL_MS } from './constants.js'

export type LogFn = (event: string, fields?: Record<string, unknown>) => void

export class LimitLog {
  /** Refusals per limit name since start. */
  readonly hits = new Map<string, number>()
  private readonly lastLogged = new Map<string, number>()
  private readonly folded = new Map<string, number>()

  constructor (
    private readonly log: LogFn,
    private readonly intervalMs = LIMIT_LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * Records that `limit` (e.g. `maxReservations`) refused something; `event` is the log event
   * name and `fields` says who and what the limit's value is.
   */
  hit (event: string, limit: string, fields: Record<string, unknown> = {}): void {
    this.hits.set(limit, (this.hits.get(limit) ?? 0) + 1)
    const now = this.now()
    const last = this.lastLogged.get(limit)
    if (last !== undefined && now - last < this.intervalMs) {
      this.folded.set(limit, (this.folded.get(limit) ?? 0) + 1)
      return
    }
    const repeated = this.folded.get(limit) ?? 0
    this.folded.delete(limit)
    this.lastLogged.set(limit, now)
    this.log(event, { limit, ...fields, ...(repeated > 0 ? { alsoRefusedSinceLastLine: repeated } : {}) })
  }
}
