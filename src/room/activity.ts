/**
 * What members are doing right now, from ephemeral messages: who is typing, and how far each
 * has read. Held in memory only; nothing here is history.
 */
import { bytesToHex } from '../bytes.js'
import type { ReceiptBody } from '../protocol/content-bodies.js'

/** A typing indicator goes away on its own after this long without news, ms. */
export const TYPING_TIMEOUT_MS = 6_000

export interface ActivityListeners {
  typing(keys: string[]): void
  receipts(receipts: Map<string, Map<string, number>>): void
}

export class RoomActivity {
  private readonly typingUntil = new Map<string, number>()
  private timer: ReturnType<typeof setTimeout> | undefined
  /** reader -> author -> highest seq read */
  readonly receipts = new Map<string, Map<string, number>>()

  constructor (private readonly now: () => number, private readonly listeners: ActivityListeners) {}

  typing (member: string, on: boolean): void {
    const was = this.typingUntil.has(member)
    if (on) this.typingUntil.set(member, this.now() + TYPING_TIMEOUT_MS)
    else this.typingUntil.delete(member)
    if (on !== was) this.listeners.typing(this.typingNow())
    this.schedule()
  }

  /** Receipts only move forward: an old one arriving late changes nothing. */
  receipt (reader: string, body: ReceiptBody): void {
    const upTo = this.receipts.get(reader) ?? new Map<string, number>()
    let changed = false
    for (const { author, seq } of body.readUpTo) {
      const key = bytesToHex(author)
      if (seq > (upTo.get(key) ?? 0)) {
        upTo.set(key, seq)
        changed = true
      }
    }
    this.receipts.set(reader, upTo)
    if (changed) this.listeners.receipts(this.receipts)
  }

  typingNow (): string[] {
    const now = this.now()
    return [...this.typingUntil].filter(([, until]) => until > now).map(([key]) => key)
  }

  stop (): void {
    clearTimeout(this.timer)
  }

  private schedule (): void {
    clearTimeout(this.timer)
    if (this.typingUntil.size === 0) return
    const next = Math.min(...this.typingUntil.values()) - this.now()
    this.timer = setTimeout(() => {
      const now = this.now()
      let expired = false
      for (const [key, until] of this.typingUntil) {
        if (until <= now) {
          this.typingUntil.delete(key)
          expired = true
        }
      }
      if (expired) this.listeners.typing(this.typingNow())
      this.schedule()
    }, Math.max(50, next))
  }
}
