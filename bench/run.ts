/**
 * `npm run bench` (quick profile, within 10 minutes on a 2-core machine) or
 * `npm run bench -- --full` (larger rooms, longer steps). Runs every measurement, the mesh and
 * the baseline side by side, prints one table and writes bench/results/latest.{json,md}
 * (full.{json,md} with `--full`).
 * Every process it starts is stopped at the end, also on failure and on Ctrl-C.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { ensureChromium } from '../scripts/ensure-chromium.mjs'
import { launchBrowser } from '../tests/helpers/browser.js'
import { measureCrypto } from './crypto.js'
import type { CryptoResult } from './crypto.js'
import { measureHistory } from './history.js'
import type { HistoryResult } from './history.js'
import { measureJoin } from './join.js'
import type { JoinResult } from './join.js'
import { measureLatency } from './latency.js'
import type { LatencyRow } from './latency.js'
import { killAllNow, startRelay, stopAll } from './lib/procs.js'
import { startBaselineServer } from './lib/room-harness.js'
import { cpuSpeed, machineInfo, ratio } from './lib/util.js'
import { measureRelayCapacity } from './relay-capacity.js'
import type { RelayCapacityResult } from './relay-capacity.js'
import { deriveScale } from './scale.js'
import type { ScaleResult } from './scale.js'
import { measureSize } from './size.js'
import type { SizeResult } from './size.js'
import { measureThroughput } from './throughput.js'
import type { ThroughputResult } from './throughput.js'
import { measureTransports } from './transport.js'
import type { TransportResult } from './transport.js'
import { renderReport } from './report.js'

const full = process.argv.includes('--full')
const PROFILE = full
  ? { name: 'full', sizes: [2, 10, 30, 50], messages: 2_400, transportMessages: 1_000, rates: [10, 20, 50, 100, 200, 300, 500, 700, 1000, 2000], stepMs: 10_000, joinRuns: 10, historyRuns: 15, relayTarget: 1_000, relayMs: 300_000, budgetMs: 60 * 60_000 }
  : { name: 'quick', sizes: [2, 10], messages: 1_200, transportMessages: 400, rates: [10, 20, 50, 100, 200, 300, 500, 700, 1000], stepMs: 4_000, joinRuns: 7, historyRuns: 11, relayTarget: 1_000, relayMs: 90_000, budgetMs: 10 * 60_000 }
const HISTORY_COUNT = 100_000
const THROUGHPUT_SIZE = 10

export interface Results {
  profile: string
  machine: ReturnType<typeof machineInfo> & { commit: string }
  durationSeconds?: number
  crypto?: CryptoResult
  size?: SizeResult
  latency?: LatencyRow[]
  transport?: TransportResult
  throughput?: { mesh?: ThroughputResult, baseline?: ThroughputResult }
  join?: JoinResult
  history?: HistoryResult
  relay?: RelayCapacityResult
  scale?: ScaleResult
  errors: Record<string, string>
  notes: string[]
}

// Before the clock starts: installing takes about a minute. Without it the browser measurements say why.
const chromiumMissing = ensureChromium()
if (chromiumMissing !== undefined) console.log(chromiumMissing)

const started = Date.now()
const log = (line: string): void => { console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`) }

process.on('exit', killAllNow)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void stopAll().finally(() => process.exit(130)) })
}

function commit (): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'relay', 'web'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== ''
    return dirty ? `${sha} (with uncommitted changes in src/relay/web)` : sha
  } catch {
    return 'unknown'
  }
}

const results: Results = { profile: PROFILE.name, machine: { ...machineInfo(), speedAtStart: cpuSpeed(), commit: commit() }, errors: {}, notes: [] }

async function step (name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    results.errors[name] = (err as Error).message.split('\n')[0]
    log(`${name} failed: ${results.errors[name]}`)
  }
}

let browser: Browser | undefined
const getBrowser = async (): Promise<Browser> => (browser ??= await launchBrowser())

try {
  log(`profile ${PROFILE.name} on ${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}`)

  await step('crypto', async () => {
    log('crypto: seal and open on one core…')
    results.crypto = await measureCrypto([100, 10_000], full ? 3_000 : 1_500)
  })

  await step('size', async () => {
    log('size: production build (vite build)…')
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
    results.size = await measureSize('dist/web')
  })

  await step('transport', async () => {
    log('transport alone: WebRTC data channel and WebSocket, one sender and two receiving processes…')
    results.transport = await measureTransports(PROFILE.transportMessages, log)
  })

  await step('network', async () => {
    // Every member here comes from 127.0.0.1: the relay's limit per address (64) would turn away
    // a 50-member room, and those of the room before it that are still closing.
    const relay = await startRelay('dist/web', ['--max-connections-per-ip', '1000'])
    const baseline = await startBaselineServer()
    try {
      // Leave time for the Chromium and relay measurements after the rooms.
      const latencyDeadline = started + PROFILE.budgetMs * 0.5
      results.throughput = {}
      results.latency = await measureLatency({
        sizes: PROFILE.sizes,
        messages: PROFILE.messages,
        gapMs: 20,
        relays: relay.multiaddrs,
        baselineUrl: baseline.url,
        deadline: latencyDeadline,
        log,
        onRoom: async room => {
          if (room.size !== THROUGHPUT_SIZE) return
          log(`throughput: ${room.mode}, ${room.size} members…`)
          results.throughput![room.mode] = await measureThroughput(room, PROFILE.rates, PROFILE.stepMs, log)
        }
      })
      results.scale = deriveScale(results.latency, 50)
      if (!full) results.notes.push('The quick profile runs rooms of 2 and 10 members: a 30-member mesh room takes about 3 minutes to set up on 2 cores, which does not fit in 10 minutes with the rest. `--full` runs 30 and 50.')
      await step('join', async () => {
        log('join: node, then chromium…')
        results.join = await measureJoin({ relays: relay.multiaddrs, httpUrl: relay.httpUrl, runs: PROFILE.joinRuns, browser: getBrowser, log })
      })
    } finally {
      await baseline.stop()
      await relay.stop()
    }
  })

  await step('history', async () => {
    log(`history: ${HISTORY_COUNT} messages in Chromium's IndexedDB…`)
    results.history = await measureHistory({ webRoot: 'dist/web', count: HISTORY_COUNT, runs: PROFILE.historyRuns, log })
  })
  await browser?.close()
  browser = undefined

  await step('relay', async () => {
    log(`relay capacity: up to ${PROFILE.relayTarget} clients holding reservations…`)
    results.relay = await measureRelayCapacity({ target: PROFILE.relayTarget, workers: 4, timeLimitMs: PROFILE.relayMs, log })
    if (results.relay.reserved < results.relay.target) {
      const { reserved, target, burstSeconds, refusedAttempts, hitTimeLimit } = results.relay
      results.notes.push(`Relay: ${reserved} of ${target} clients got a reservation${hitTimeLimit ? ` before the step's time limit (${burstSeconds} s)` : ''}; the relay refused ${refusedAttempts} attempts (retried). The clients start on the same two cores as the relay, and their own start-up (a Noise handshake each) sets the pace: ${Math.round(reserved / burstSeconds)} a second in this run.`)
    }
  })
} finally {
  await browser?.close().catch(() => {})
  await stopAll()
}

results.machine.speedAtEnd = cpuSpeed()
results.durationSeconds = Math.round((Date.now() - started) / 1000)
const report = renderReport(results, { ratio })
await mkdir('bench/results', { recursive: true })
// The full profile keeps its own files: the quick one (latest) is what the README links.
const out = `bench/results/${full ? 'full' : 'latest'}`
await writeFile(`${out}.json`, JSON.stringify({ ...results, targets: report.targets }, null, 2) + '\n')
await writeFile(`${out}.md`, report.markdown)
console.log('\n' + report.table)
console.log(`\nWrote ${out}.json and ${out}.md (${results.durationSeconds} s).`)
process.exit(0)
