/**
 * Small shared pieces: one clock for every process, percentiles, the machine description.
 */
import { cpus, loadavg, totalmem } from 'node:os'
import { sha256 } from '@noble/hashes/sha2.js'

/** Milliseconds on the machine clock; comparable across processes on this machine. */
export function nowMs (): number {
  return performance.timeOrigin + performance.now()
}

export const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

export interface LatencySummary {
  count: number
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

/** Nearest-rank percentiles of a list of latencies, ms. */
export function summarise (values: number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: null, p95: null, p99: null, max: null }
  const sorted = [...values].sort((a, b) => a - b)
  const at = (p: number): number => round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)])
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1]) }
}

export function median (values: number[]): number | null {
  return summarise(values).p50
}

export function round (value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

export function ratio (ours: number | null | undefined, baseline: number | null | undefined): number | null {
  if (ours == null || baseline == null || baseline === 0) return null
  return round(ours / baseline, 2)
}

export interface MachineInfo {
  cpuModel: string
  cores: number
  memoryGiB: number
  node: string
  platform: string
  date: string
  /** 1-minute load average when the run started: other work on the machine skews every number. */
  loadAverageAtStart: number
  /** `cpuSpeed()` when the run started and when it ended, MB/s. */
  speedAtStart?: number
  speedAtEnd?: number
}

/**
 * How fast one core runs plain JavaScript right now: SHA-256 (@noble/hashes) over 1 KiB blocks
 * for half a second, in MB/s. The same code on the same machine, so a lower figure means the
 * host was busier (shared cores): the run's other numbers are to be read with it.
 */
export function cpuSpeed (ms = 500): number {
  const block = new Uint8Array(1024).fill(7)
  const start = performance.now()
  let bytes = 0
  while (performance.now() - start < ms) {
    for (let i = 0; i < 50; i++) sha256(block)
    bytes += 50 * block.length
  }
  return round(bytes / 1e6 / ((performance.now() - start) / 1000), 1)
}

export function machineInfo (): MachineInfo {
  const list = cpus()
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    loadAverageAtStart: round(loadavg()[0], 2)
  }
}

/** Races a promise against a deadline; the deadline rejects with a message naming what timed out. */
export async function withTimeout<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what} timed out after ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls until `condition` holds or `timeoutMs` passes; resolves whether it held. */
export async function pollUntil (condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await condition()) return true
    await sleep(everyMs)
  }
  return await condition()
}
