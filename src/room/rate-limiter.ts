/**
 * Token buckets per key: each key may spend `burst` at once and `perSecond` after that. Keeps
 * one member's flood from starving everyone else's messages of CPU and screen. The table is
 * bounded: the least recently seen keys are dropped first.
 */
export interface RateLimit {
  readonly perSecond: number
  readonly burst: number
}

const MAX_KEYS = 4_096

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number, at: number }>()

  constructor (private readonly limit: RateLimit, private readonly now: () => number = Date.now) {}

  /** Spends one token for `key`; false when its bucket is empty. */
  take (key: string): boolean {
    const now = this.now()
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      bucket = { tokens: this.limit.burst, at: now }
      if (this.buckets.size >= MAX_KEYS) this.buckets.delete(this.buckets.keys().next().value!)
    } else {
      this.buckets.delete(key) // re-inserted below: keeps the map in least-recently-seen order
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.at) / 1000 * this.limit.perSecond)
      bucket.at = now
    }
    this.buckets.set(key, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}
