import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../../src/room/rate-limiter.js'

function takes (limiter: RateLimiter, key: string, n: number): number {
  let ok = 0
  for (let i = 0; i < n; i++) if (limiter.take(key)) ok++
  return ok
}

describe('RateLimiter', () => {
  it('lets a key spend its burst at once, then refuses', () => {
    const limiter = new RateLimiter({ perSecond: 10, burst: 5 }, () => 0)
    expect(takes(limiter, 'a', 20)).toBe(5)
    expect(limiter.take('a')).toBe(false)
  })

  it('refills at perSecond as the injected clock moves, up to the burst', () => {
    let t = 0
    const limiter = new RateLimiter({ perSecond: 10, burst: 5 }, () => t)
    expect(takes(limiter, 'a', 5)).toBe(5)
    t += 100 // one token
    expect(takes(limiter, 'a', 5)).toBe(1)
    t += 50 // half a token
    expect(limiter.take('a')).toBe(false)
    t += 50 // the other half
    expect(limiter.take('a')).toBe(true)
    t += 60_000 // a long pause refills only up to the burst
    expect(takes(limiter, 'a', 100)).toBe(5)
  })

  it('keeps a separate bucket per key', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 3 }, () => 0)
    expect(takes(limiter, 'flooder', 1_000)).toBe(3)
    expect(takes(limiter, 'quiet', 3)).toBe(3)
  })

  it('gives no tokens back when the clock goes backwards', () => {
    let t = 10_000
    const limiter = new RateLimiter({ perSecond: 100, burst: 2 }, () => t)
    expect(takes(limiter, 'a', 2)).toBe(2)
    t -= 5_000
    expect(limiter.take('a')).toBe(false)
  })

  it('allows a sustained rate of perSecond over time', () => {
    let t = 0
    const limiter = new RateLimiter({ perSecond: 100, burst: 200 }, () => t)
    let ok = takes(limiter, 'a', 200)
    for (let ms = 0; ms < 10_000; ms += 10) {
      t += 10
      ok += takes(limiter, 'a', 5)
    }
    expect(ok).toBe(200 + 1_000)
  })
})
