/** Display helpers for times. */

interface TimeFormats {
  time: Intl.DateTimeFormat
  dayTime: Intl.DateTimeFormat
}

let formats: TimeFormats | undefined

/**
 * Made on first use, not when the module loads: by then `locale-warmup.ts` has usually started
 * the browser's locale library on another thread, which makes the first Intl object cheap.
 */
function timeFormats (): TimeFormats {
  formats ??= {
    time: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
    dayTime: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
  }
  return formats
}

/** "14:05", whatever the day. */
export function formatClock (ms: number): string {
  return timeFormats().time.format(ms)
}

/** "14:05" today, "Nov 20, 14:05" before. */
export function formatTime (ms: number, now = Date.now()): string {
  const date = new Date(ms)
  const { time, dayTime } = timeFormats()
  return new Date(now).toDateString() === date.toDateString() ? time.format(date) : dayTime.format(date)
}

export function formatFull (ms: number): string {
  return new Date(ms).toLocaleString()
}
