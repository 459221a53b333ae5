/** Display helpers for times. */

interface TimeFormats {
  time: Intl.DateTimeFormat
  dayTime: Intl.DateTimeFormat
}

let formats: TimeFormats | undefined

/**
 * Made on first use, not when the module loads: the first Intl object a page makes costs
 * 30-60 ms (the browser loads its locale data then), and `prepareTimeFormats` lets the app pay
 * that while it waits for the database instead of before it even asks.
 */
function timeFormats (): TimeFormats {
  formats ??= {
    time: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
    dayTime: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
  }
  return formats
}

/** Makes the formatters now (see `timeFormats`). */
export function prepareTimeFormats (): void {
  timeFormats()
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
