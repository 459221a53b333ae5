/**
 * 7. Relay capacity: how many clients hold a reservation on one relay at once, the relay's
 * memory per client (RSS from /proc), and its CPU when idle, during the join burst, and idle
 * again while holding everyone.
 */
import { forkWorker, cpuSeconds, rssBytes, startRelay } from './lib/procs.js'
import type { Worker } from './lib/procs.js'
import { round, sleep } from './lib/util.js'

export interface RelayCapacityResult {
  target: number
  started: number
  reserved: number
  refusedAttempts: number
  burstSeconds: number
  rssIdleBytes: number
  rssLoadedBytes: number
  rssPerPeerBytes: number | null
  /** Share of one core, percent. */
  cpuIdlePercent: number
  cpuBurstPercent: number
  cpuHeldPercent: number
  hitTimeLimit: boolean
}

async function cpuOver (pid: number, ms: number): Promise<number> {
  const before = await cpuSeconds(pid)
  const start = performance.now()
  await sleep(ms)
  return round(100 * (await cpuSeconds(pid) - before) / ((performance.now() - start) / 1000), 1)
}

export async function measureRelayCapacity (init: {
  target: number
  workers: number
  timeLimitMs: number
  log: (line: string) => void
}): Promise<RelayCapacityResult> {
  // All bench clients come from 127.0.0.1: lift the per-address cap so the relay's own capacity is measured.
  const relay = await startRelay('dist/web', ['--max-reservations', String(init.target), '--max-connections-per-ip', String(init.target + 100)])
  const workers: Worker[] = []
  try {
    await sleep(2_000)
    const cpuIdlePercent = await cpuOver(relay.pid, 3_000)
    const rssIdleBytes = await rssBytes(relay.pid)
    for (let i = 0; i < init.workers; i++) workers.push(forkWorker('bench/relay-client-worker.ts'))
    const deadline = Date.now() + init.timeLimitMs
    const burstStart = performance.now()
    const cpuBefore = await cpuSeconds(relay.pid)
    const share = Math.ceil(init.target / init.workers)
    const progress = setInterval(() => {
      void Promise.all(workers.map(async w => await w.call<{ reserved: number }>('count', undefined, 5_000)))
        .then(counts => { init.log(`  ${counts.reduce((a, c) => a + c.reserved, 0)} reserved…`) })
        .catch(() => {})
    }, 15_000)
    const results = await Promise.all(workers.map(async w =>
      await w.call<{ started: number, reserved: number, failures: number }>('start',
        { relay: relay.multiaddrs[0], count: share, concurrency: 3, deadline }, init.timeLimitMs + 60_000)))
    clearInterval(progress)
    const burstSeconds = (performance.now() - burstStart) / 1000
    const cpuBurstPercent = round(100 * (await cpuSeconds(relay.pid) - cpuBefore) / burstSeconds, 1)
    await sleep(2_000)
    const counts = await Promise.all(workers.map(async w => await w.call<{ started: number, reserved: number, failures: number }>('count')))
    const reserved = counts.reduce((a, c) => a + c.reserved, 0)
    const rssLoadedBytes = await rssBytes(relay.pid)
    const cpuHeldPercent = await cpuOver(relay.pid, 3_000)
    return {
      target: init.target,
      started: counts.reduce((a, c) => a + c.started, 0),
      reserved,
      refusedAttempts: results.reduce((a, c) => a + c.failures, 0),
      burstSeconds: round(burstSeconds, 1),
      rssIdleBytes,
      rssLoadedBytes,
      rssPerPeerBytes: reserved > 0 ? Math.round((rssLoadedBytes - rssIdleBytes) / reserved) : null,
      cpuIdlePercent,
      cpuBurstPercent,
      cpuHeldPercent,
      hitTimeLimit: Date.now() >= deadline
    }
  } finally {
    await Promise.all(workers.map(async w => { await w.stop() }))
    await relay.stop()
  }
}
