/**
 * 8. Scale: the largest room this machine ran with every message delivered, taken from the
 * latency runs (which go up to 50 members in the full profile).
 */
import type { LatencyRow } from './latency.js'

export interface ScaleResult {
  /** Largest mesh room with 100% delivery; null when none ran. */
  largestFullDelivery: number | null
  /** Mesh room sizes this run tried, including rooms that could not be set up. */
  tried: number[]
  note: string
}

export function deriveScale (rows: LatencyRow[], aim: number): ScaleResult {
  const mesh = rows.filter(r => r.mode === 'mesh')
  const ok = mesh.filter(r => r.result?.deliveredShare === 1).map(r => r.size)
  const largest = ok.length === 0 ? null : Math.max(...ok)
  const atAim = mesh.find(r => r.size === aim)
  const note = atAim === undefined
    ? `a ${aim}-member room was not tried in this profile (run with --full)`
    : atAim.result === undefined
      ? `a ${aim}-member room could not be set up (${atAim.error ?? 'no result'})`
      : `a ${aim}-member room ${largest === aim ? 'delivered everything' : 'did not deliver everything'}${cutShort(atAim)}`
  return { largestFullDelivery: largest, tried: mesh.map(r => r.size), note }
}

/** What a room's time limit left unsent, if anything. */
function cutShort (row: LatencyRow): string {
  const sent = row.result?.sent ?? 0
  return row.planned !== undefined && sent < row.planned ? ` it was sent (${sent} of ${row.planned} messages, the rest cut by the time limit)` : ''
}
