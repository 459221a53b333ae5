/** Display helpers for times. */

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })

/** "14:05" today, "Nov 20, 14:05" before. */
export function formatTime (ms: number, now = Date.now()): string {
  const date = new Date(ms)
  return new Date(now).toDateString() === date.toDateString() ? time.format(date) : dayTime.format(date)
}

export function formatFull (ms: number): string {
  return new Date(ms).toLocaleString()
}
