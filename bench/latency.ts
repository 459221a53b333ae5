/**
 * 1. Delivery latency and completeness in one room, mesh and baseline side by side: messages
 * one at a time, round robin over the members, timed from send() on the author to the 'message'
 * event on every other member.
 */
import { startBenchRoom } from './lib/room-harness.js'
import type { BenchRoom, Mode, PhaseResult } from './lib/room-harness.js'

export interface LatencyRow {
  size: number
  mode: Mode
  setupMs: number
  minPeersAtStart: number
  result?: PhaseResult
  error?: string
}

export interface LatencyInit {
  sizes: number[]
  messages: number
  gapMs: number
  relays: string[]
  baselineUrl: string
  /** Give up on a size (and larger ones) once the suite has used this much time. */
  deadline: number
  log: (line: string) => void
  /** Runs on each room after its latency run, before it stops (the throughput climb). */
  onRoom?: (room: BenchRoom) => Promise<void>
}

export function perWorkerFor (size: number): number {
  return size <= 2 ? 1 : size <= 10 ? 5 : 10
}

export async function measureLatency (init: LatencyInit): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = []
  for (const size of init.sizes) {
    for (const mode of ['mesh', 'baseline'] as Mode[]) {
      if (Date.now() > init.deadline) {
        rows.push({ size, mode, setupMs: 0, minPeersAtStart: 0, error: 'skipped: out of time for this profile' })
        continue
      }
      init.log(`latency: ${mode}, ${size} members…`)
      let room
      try {
        room = await startBenchRoom({
          mode, size, perWorker: perWorkerFor(size), relays: init.relays, baselineUrl: init.baselineUrl,
          readyTimeoutMs: 30_000 + size * 2_000
        })
        await room.sequential(`warm-${size}`, Math.min(size, 10), init.gapMs, 5_000)
        const result = await room.sequential(`lat-${size}`, init.messages, init.gapMs, 10_000)
        rows.push({ size, mode, setupMs: room.setupMs, minPeersAtStart: room.minPeersAtStart, result })
        init.log(`  p50 ${result.p50} ms, p99 ${result.p99} ms, delivered ${(result.deliveredShare * 100).toFixed(2)}%`)
        await init.onRoom?.(room)
      } catch (err) {
        rows.push({ size, mode, setupMs: 0, minPeersAtStart: 0, error: (err as Error).message.split('\n')[0] })
        init.log(`  failed: ${(err as Error).message.split('\n')[0]}`)
      } finally {
        await room?.stop()
      }
    }
  }
  return rows
}
