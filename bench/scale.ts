/**
 * 8. Scale: the largest room this machine ran with every message delivered, taken from the
 * latency runs (which go up to 50 members in the full profile). A room whose messages were cut
 * short by its time limit (latency.ts) does not count: it did not keep up.
 */
import type { LatencyRow } from './latency.js'

export interface ScaleResult {
  /** Largest mesh room with 100% delivery of all its messages; null when none ran. */
  largestFullDelivery: number | null
  /** Mesh room sizes this run tried, including rooms that could not be set up. */
  tried: number[]
  note: string
}

export function deriveScale (rows: LatencyRow[], aim: number): ScaleResult {
  const mesh = rows.filter(r => r.mode === 'mesh')
  const ok = mesh.filter(r => r.result?.deliveredShare === 1 && !cutShort(r)).map(r => r.size)
  const largest = ok.length === 0 ? null : Math.max(...ok)
  const atAim = mesh.find(r => r.size === aim)
  return { largestFullDelivery: largest, tried: mesh.map(r => r.size), note: noteFor(atAim, aim) }
}

function noteFor (row: LatencyRow | undefined, aim: number): string {
  if (row === undefined) return `a ${aim}-member room was not tried in this profile (run with --full)`
  if (row.result === undefined) return `a ${aim}-member room could not be set up (${row.error ?? 'no result'})`
  const { sent, deliveredShare } = row.result
  if (cutShort(row)) return `a ${aim}-member room took only ${sent} of its ${row.planned} messages within the time limit (${(deliveredShare * 100).toFixed(2)}% of those delivered)`
  return `a ${aim}-member room ${deliveredShare === 1 ? 'delivered everything' : 'did not deliver everything'}`
}

/** Whether the room's time limit stopped its messages before all were sent. */
function cutShort (row: LatencyRow): boolean {
  return row.planned !== undefined && row.result !== undefined && row.result.sent < row.planned
}
