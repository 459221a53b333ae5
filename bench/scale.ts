/**
 * 8. Scale: the largest room this machine ran with every message delivered, taken from the
 * latency runs (which go up to 50 members in the full profile).
 */
import type { LatencyRow } from './latency.js'

export interface ScaleResult {
  /** Largest mesh room with 100% delivery; null when none ran. */
  largestFullDelivery: number | null
  tried: number[]
  note: string
}

export function deriveScale (rows: LatencyRow[], aim: number): ScaleResult {
  const mesh = rows.filter(r => r.mode === 'mesh')
  const tried = mesh.filter(r => r.result !== undefined).map(r => r.size)
  const ok = mesh.filter(r => r.result?.deliveredShare === 1).map(r => r.size)
  const largest = ok.length === 0 ? null : Math.max(...ok)
  const note = tried.includes(aim)
    ? (largest === aim ? `a ${aim}-member room delivered everything` : `a ${aim}-member room did not deliver everything`)
    : `a ${aim}-member room was not tried in this profile (run with --full)`
  return { largestFullDelivery: largest, tried, note }
}
