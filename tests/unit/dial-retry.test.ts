import { describe, expect, it } from 'vitest'
import { FIRST_RETRY_MS, MAX_RETRY_MS, retryDelayMs } from '../../src/net/dial-retry.js'

describe('retryDelayMs', () => {
  const middle = (): number => 0.5

  it('tries again within seconds after a first failure, and waits longer after each failure in a row', () => {
    expect(retryDelayMs(1, middle)).toBe(FIRST_RETRY_MS)
    expect(retryDelayMs(2, middle)).toBe(2 * FIRST_RETRY_MS)
    expect(retryDelayMs(3, middle)).toBe(4 * FIRST_RETRY_MS)
  })

  it('waits no longer than the longest wait, however many failures', () => {
    expect(retryDelayMs(50, middle)).toBe(MAX_RETRY_MS)
    expect(retryDelayMs(50, () => 0.999)).toBeLessThanOrEqual(1.5 * MAX_RETRY_MS)
  })

  it('draws each wait at random from half to one and a half times its length', () => {
    expect(retryDelayMs(1, () => 0)).toBe(FIRST_RETRY_MS / 2)
    expect(retryDelayMs(1, () => 0.999)).toBe(Math.round(FIRST_RETRY_MS * 1.499))
    const waits = new Set(Array.from({ length: 20 }, () => retryDelayMs(1)))
    expect(waits.size).toBeGreaterThan(1)
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(FIRST_RETRY_MS / 2)
      expect(wait).toBeLessThanOrEqual(FIRST_RETRY_MS * 1.5)
    }
  })
})
