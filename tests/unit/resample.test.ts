import { describe, expect, it } from 'vitest'
import { pairedRatioInterval } from '../../bench/lib/resample.js'

/** Blocks of latencies 1..n ms, each block shifted by its index, so blocks differ. */
function blocks (count: number, scale = 1): number[][] {
  return Array.from({ length: count }, (_, b) => Array.from({ length: 100 }, (_, i) => (i + 1 + b * 10) * scale))
}

describe('pairedRatioInterval', () => {
  it('is exactly the ratio when one room is the other scaled', () => {
    expect(pairedRatioInterval(blocks(20, 2), blocks(20), 0.99)).toEqual([2, 2])
    expect(pairedRatioInterval(blocks(20), blocks(20), 0.5)).toEqual([1, 1])
  })

  it('widens with blocks that disagree, and holds the ratio of the whole run', () => {
    // Our room had a slow block now and then; the baseline did not.
    const ours = blocks(24).map((block, b) => b % 6 === 0 ? block.map(v => v * 3) : block)
    const [low, high] = pairedRatioInterval(ours, blocks(24), 0.99)!
    expect(low).toBeLessThan(high)
    const p99 = (list: number[][]): number => { const all = list.flat().sort((a, b) => a - b); return all[Math.ceil(0.99 * all.length) - 1] }
    const whole = p99(ours) / p99(blocks(24))
    expect(low).toBeLessThanOrEqual(whole)
    expect(high).toBeGreaterThanOrEqual(whole)
  })

  it('gives the same interval for the same blocks and seed', () => {
    const ours = blocks(12).map((block, b) => block.map(v => v * (1 + (b % 3) / 4)))
    expect(pairedRatioInterval(ours, blocks(12), 0.99, { seed: 7 })).toEqual(pairedRatioInterval(ours, blocks(12), 0.99, { seed: 7 }))
  })

  it('is null when the blocks do not pair up or hold nothing', () => {
    expect(pairedRatioInterval(blocks(3), blocks(4), 0.99)).toBeNull()
    expect(pairedRatioInterval([], [], 0.99)).toBeNull()
    expect(pairedRatioInterval([[]], [[1]], 0.99)).toBeNull()
  })
})
