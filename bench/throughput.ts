/**
 * 2. Throughput: the highest aggregate rate a room sustains with every message delivered to
 * every member and p99 under 100 ms. The rate steps up; the highest rate below the first failing
 * step is the sustained rate. The climb goes on to the target rate even after a failure, so the
 * results say how the room fares there; it ends at the first failure at or above it.
 */
import type { BenchRoom, PhaseResult } from './lib/room-harness.js'
import { sleep } from './lib/util.js'

export interface ThroughputStep {
  rate: number
  pass: boolean
  result: PhaseResult
}

export interface ThroughputResult {
  size: number
  /** Highest passing rate, msg/s; 0 when even the first step failed. */
  sustained: number
  steps: ThroughputStep[]
}

export const P99_LIMIT_MS = 100
/** The target: every message delivered at this aggregate rate, msg/s. */
export const TARGET_RATE = 500

export async function measureThroughput (room: BenchRoom, rates: number[], stepMs: number,
  log: (line: string) => void): Promise<ThroughputResult> {
  const steps: ThroughputStep[] = []
  let sustained = 0
  let failed = false
  for (const rate of rates) {
    const result = await room.atRate(`rate-${rate}`, rate, stepMs, 8_000)
    const pass = result.deliveredShare === 1 && result.p99 !== null && result.p99 < P99_LIMIT_MS
    steps.push({ rate, pass, result })
    log(`  ${room.mode} ${rate} msg/s: delivered ${(result.deliveredShare * 100).toFixed(2)}%, p99 ${result.p99} ms ${pass ? 'pass' : 'FAIL'}`)
    failed ||= !pass
    if (!failed) sustained = rate
    if (failed && rate >= TARGET_RATE) break
    // Whatever a failed step left queued drains before the next one starts.
    await sleep(failed ? 5_000 : 1_000)
  }
  return { size: room.size, sustained, steps }
}
