/**
 * How far a ratio of two rooms' percentiles could have come out otherwise, from the run itself.
 *
 * The rooms take turns, a block of messages each (latency.ts), so block i of one room and block
 * i of the other ran under the same conditions on the machine. Drawing pairs of blocks at random,
 * with replacement, as many as there were, and taking the ratio each time (a paired block
 * bootstrap) gives an interval for the ratio. On this machine the same code gave p99 ratios from
 * about 1.2 to 1.7 in different runs; one run's figure means little without it.
 */

export interface IntervalOptions {
  /** How many times to draw; 1,000 takes about a second for 20,000 latencies a room. */
  resamples?: number
  /** The share of the draws the interval holds, e.g. 0.9 for the 5th to the 95th percentile. */
  coverage?: number
  /** The draws are pseudo-random from this seed, so the same blocks give the same interval. */
  seed?: number
}

/**
 * The interval holding `coverage` of the ratios `percentile(ours) / percentile(baseline)` over
 * resampled pairs of blocks; null when the blocks do not pair up or a draw has no latencies.
 * `percentile` is in 0..1 and taken by nearest rank, like `summarise` in util.ts.
 */
export function pairedRatioInterval (ours: number[][], baseline: number[][], percentile: number,
  { resamples = 1_000, coverage = 0.9, seed = 1 }: IntervalOptions = {}): [number, number] | null {
  const blocks = ours.length
  if (blocks === 0 || baseline.length !== blocks) return null
  const random = mulberry32(seed)
  const ratios: number[] = []
  for (let r = 0; r < resamples; r++) {
    const picks = Array.from({ length: blocks }, () => Math.floor(random() * blocks))
    const a = percentileOf(picks.map(i => ours[i]), percentile)
    const b = percentileOf(picks.map(i => baseline[i]), percentile)
    if (a === null || b === null || b === 0) return null
    ratios.push(a / b)
  }
  ratios.sort((x, y) => x - y)
  const tail = (1 - coverage) / 2
  return [ratios[Math.floor(tail * (resamples - 1))], ratios[Math.ceil((1 - tail) * (resamples - 1))]]
}

/** The nearest-rank percentile of the latencies of several blocks taken together. */
function percentileOf (blocks: number[][], percentile: number): number | null {
  const all = new Float64Array(blocks.reduce((n, b) => n + b.length, 0))
  let at = 0
  for (const block of blocks) {
    all.set(block, at)
    at += block.length
  }
  if (all.length === 0) return null
  all.sort()
  return all[Math.min(all.length - 1, Math.ceil(percentile * all.length) - 1)]
}

/** A small seeded generator of numbers in [0, 1): enough to draw blocks, not for secrets. */
function mulberry32 (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
