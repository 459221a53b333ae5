/**
 * "online" or "last seen 5 min ago" for a member, and a clock that ticks every 30 s so the
 * labels stay true while they are on screen. The label is pure, so it is tested without a DOM.
 */
import { signal } from '@preact/signals'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** How far back a member was last heard from, in words ("last seen 3 h ago"). */
export function lastSeenLabel (lastSeen: number, now: number, locale?: string): string {
  const ago = Math.max(0, now - lastSeen)
  if (lastSeen <= 0) return 'not seen yet'
  if (ago < MINUTE) return 'last seen just now'
  if (ago < HOUR) return `last seen ${Math.floor(ago / MINUTE)} min ago`
  if (ago < DAY) return `last seen ${Math.floor(ago / HOUR)} h ago`
  const days = Math.floor(ago / DAY)
  if (days === 1) return 'last seen yesterday'
  if (days < 7) return `last seen ${days} days ago`
  return `last seen ${new Date(lastSeen).toLocaleDateString(locale, { month: 'short', day: 'numeric', year: 'numeric' })}`
}

/** How often relative times on screen are brought up to date. */
export const CLOCK_TICK_MS = 30_000

/** The time now, refreshed every 30 s while something reads it. */
export const clock = signal(Date.now())
let ticking: ReturnType<typeof setInterval> | undefined

/** Starts the clock (once); components that show relative times call it. */
export function startClock (): void {
  ticking ??= setInterval(() => { clock.value = Date.now() }, CLOCK_TICK_MS)
}
