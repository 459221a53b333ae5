/**
 * One benchmark room: `size` members spread over several worker processes, on the mesh (through
 * a relay) or on the baseline server. Used by the latency, throughput and scale measurements.
 */
import { createInterface } from 'node:readline'
import { ROOM_NEIGHBOURS } from '../../src/net/room-neighbours.js'
import { generateRoomCode } from '../../src/room/room-code.js'
import { forkWorker, spawnTs, stopChild } from './procs.js'
import type { Worker } from './procs.js'
import { pollUntil, sleep, summarise, withTimeout } from './util.js'
import type { LatencySummary } from './util.js'

export type Mode = 'mesh' | 'baseline'

export interface PhaseResult extends LatencySummary {
  sent: number
  expected: number
  delivered: number
  /** delivered / expected, 0..1 */
  deliveredShare: number
}

/** What one phase measured: every (message, receiver) latency that arrived, ms. */
export interface PhaseSamples {
  sent: number
  expected: number
  latencies: number[]
}

/** The summary of one or more phases, taken together. */
export function phaseResult (phases: PhaseSamples[]): PhaseResult {
  const latencies = phases.flatMap(p => p.latencies)
  const sent = phases.reduce((n, p) => n + p.sent, 0)
  const expected = phases.reduce((n, p) => n + p.expected, 0)
  return {
    ...summarise(latencies),
    sent,
    expected,
    delivered: latencies.length,
    deliveredShare: expected === 0 ? 0 : latencies.length / expected
  }
}

export interface BenchRoom {
  readonly mode: Mode
  readonly size: number
  /** Smallest number of connected room peers any member sees (mesh), when the room was declared ready. */
  readonly minPeersAtStart: number
  readonly setupMs: number
  /**
   * Messages one at a time, round robin over members (going on from the previous call), `gapMs`
   * apart; none is sent after `sendUntil` (a time, ms), when given: `sent` says how many went.
   */
  sequential(phase: string, count: number, gapMs: number, drainMs: number, sendUntil?: number): Promise<PhaseSamples>
  /** All members together at an aggregate rate. */
  atRate(phase: string, perSecond: number, durationMs: number, drainMs: number): Promise<PhaseResult>
  stop(): Promise<void>
}

export interface BenchRoomInit {
  mode: Mode
  size: number
  perWorker: number
  relays?: string[]
  baselineUrl?: string
  readyTimeoutMs: number
}

export async function startBaselineServer (): Promise<{ url: string, pid: number, stop: () => Promise<void> }> {
  const child = spawnTs('bench/baseline/server.ts', [])
  const port = await withTimeout(new Promise<number>((resolve, reject) => {
    child.once('exit', code => { reject(new Error(`baseline server exited (${code})`)) })
    createInterface({ input: child.stdout! }).on('line', line => {
      try {
        const entry = JSON.parse(line) as { event?: string, port?: number }
        if (entry.event === 'baseline.started') resolve(entry.port!)
      } catch {}
    })
  }), 20_000, 'baseline server start').catch(async err => { await stopChild(child); throw err })
  return { url: `ws://127.0.0.1:${port}`, pid: child.pid!, stop: async () => { await stopChild(child) } }
}

export async function startBenchRoom (init: BenchRoomInit): Promise<BenchRoom> {
  const started = Date.now()
  const code = generateRoomCode().display
  const workerCount = Math.ceil(init.size / init.perWorker)
  const workers: Worker[] = []
  const layout: Array<{ worker: Worker, index: number }> = []
  try {
    const names: string[][] = Array.from({ length: workerCount }, () => [])
    for (let i = 0; i < init.size; i++) {
      names[i % workerCount].push(`${init.mode === 'mesh' ? 'm' : 'b'}${i}`)
    }
    for (let w = 0; w < workerCount; w++) workers.push(forkWorker('bench/peer-worker.ts'))
    // The first member alone first, so the rest find someone already in the room.
    await workers[0].call('init', { mode: init.mode, relays: init.relays, baselineUrl: init.baselineUrl, code, names: names[0].slice(0, 1) }, 60_000)
    await Promise.all(workers.map(async (worker, w) => {
      const rest = w === 0 ? names[0].slice(1) : names[w]
      if (rest.length > 0) {
        await worker.call('init', { mode: init.mode, relays: init.relays, baselineUrl: init.baselineUrl, code, names: rest }, init.readyTimeoutMs)
      }
    }))
    workers.forEach((worker, w) => { names[w].forEach((_name, index) => layout.push({ worker, index })) })

    let minPeers = init.size - 1
    if (init.mode === 'mesh') {
      const peerCounts = async (): Promise<number[]> => (await Promise.all(workers.map(async w => await w.call<number[]>('peers')))).flat()
      // Members of a large room connect to a bounded number of others, not to all.
      const enough = Math.min(init.size - 1, ROOM_NEIGHBOURS)
      await pollUntil(async () => Math.min(...await peerCounts()) >= enough, init.readyTimeoutMs, 500)
      minPeers = Math.min(...await peerCounts())
      // Let gossipsub graft its mesh (heartbeat 1 s) before measuring.
      await sleep(2_000)
    }

    let nextAuthor = 0
    const gather = async (phase: string, sent: number, drainMs: number): Promise<PhaseSamples> => {
      const expected = sent * (init.size - 1)
      const total = async (): Promise<number> => (await Promise.all(workers.map(async w =>
        (await w.call<{ received: number }>('collect', { phase })).received))).reduce((a, b) => a + b, 0)
      await pollUntil(async () => await total() >= expected, drainMs, 200)
      const results = await Promise.all(workers.map(async w => await w.call<{ latencies: number[] }>('collect', { phase })))
      await Promise.all(workers.map(async w => await w.call('forget', { phase })))
      return { sent, expected, latencies: results.flatMap(r => r.latencies) }
    }

    return {
      mode: init.mode,
      size: init.size,
      minPeersAtStart: minPeers,
      setupMs: Date.now() - started,
      async sequential (phase, count, gapMs, drainMs, sendUntil = Infinity) {
        let sent = 0
        while (sent < count && Date.now() < sendUntil) {
          const { worker, index } = layout[nextAuthor++ % layout.length]
          await worker.call('sendOne', { phase, index })
          sent++
          await sleep(gapMs)
        }
        return await gather(phase, sent, drainMs)
      },
      async atRate (phase, perSecond, durationMs, drainMs) {
        const sent = await Promise.all(workers.map(async (worker, w) => {
          const share = perSecond * (names[w].length / init.size)
          return (await worker.call<{ sent: number }>('rate', { phase, perSecond: share, durationMs }, durationMs + 30_000)).sent
        }))
        return phaseResult([await gather(phase, sent.reduce((a, b) => a + b, 0), drainMs)])
      },
      async stop () {
        await Promise.all(workers.map(async w => { await w.stop() }))
      }
    }
  } catch (err) {
    await Promise.all(workers.map(async w => { await w.stop() }))
    throw err
  }
}
