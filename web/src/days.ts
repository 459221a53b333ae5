/**
 * The conversation as the list shows it: messages with a separator at each new day, an
 * "unread" marker before the first message not yet seen, and consecutive messages by one author
 * grouped. Pure, so it is tested without a DOM.
 */
import { isNotice } from '../../src/store/store.js'
import type { MessageRecord } from '../../src/store/store.js'

export type ListEntry =
  | { readonly kind: 'day', readonly key: string, readonly label: string }
  | { readonly kind: 'unread', readonly key: string }
  | { readonly kind: 'message', readonly key: string, readonly message: MessageRecord, readonly grouped: boolean }

export interface EntryOptions {
  /** Now, for "Today" and "Yesterday". */
  now?: number
  /** The user's key: their own messages are never unread. */
  self?: string
  /** Messages received after this local time are marked unread; none when absent. */
  lastRead?: number
  /** A locale for day names; the browser's by default. */
  locale?: string
}

/** Messages closer than this by one author share one header. */
export const GROUP_GAP_MS = 5 * 60_000
const DAY_MS = 24 * 60 * 60_000

/** Local calendar day of a time, as a sortable key: "2024-03-09". */
export function dayKey (ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** "Today", "Yesterday", a weekday within the last week, else a date (with the year if not this year). */
export function dayLabel (ms: number, now = Date.now(), locale?: string): string {
  const startOf = (t: number): number => { const d = new Date(t); d.setHours(0, 0, 0, 0); return d.getTime() }
  // Rounded: a day with a daylight saving change is 23 or 25 hours long.
  const daysAgo = Math.round((startOf(now) - startOf(ms)) / DAY_MS)
  if (daysAgo === 0) return 'Today'
  if (daysAgo === 1) return 'Yesterday'
  const date = new Date(ms)
  if (daysAgo > 1 && daysAgo < 7) return date.toLocaleDateString(locale, { weekday: 'long' })
  const sameYear = date.getFullYear() === new Date(now).getFullYear()
  return date.toLocaleDateString(locale, sameYear
    ? { weekday: 'short', month: 'long', day: 'numeric' }
    : { month: 'long', day: 'numeric', year: 'numeric' })
}

/** The entries to render for `messages` (oldest first). */
export function listEntries (messages: readonly MessageRecord[], options: EntryOptions = {}): ListEntry[] {
  const now = options.now ?? Date.now()
  const entries: ListEntry[] = []
  let previous: MessageRecord | undefined
  let unreadShown = false
  for (const message of messages) {
    const day = dayKey(message.timestamp)
    const newDay = previous === undefined || dayKey(previous.timestamp) !== day
    if (newDay) entries.push({ kind: 'day', key: `day:${day}`, label: dayLabel(message.timestamp, now, options.locale) })
    // Notices are part of the log, but never what makes a room unread.
    const unread = !unreadShown && options.lastRead !== undefined && message.author !== options.self &&
      message.receivedAt > options.lastRead && !isNotice(message)
    if (unread) {
      entries.push({ kind: 'unread', key: 'unread' })
      unreadShown = true
    }
    const grouped = !newDay && !unread && previous !== undefined && previous.author === message.author &&
      !isNotice(previous) && !isNotice(message) &&
      previous.name === message.name && message.timestamp - previous.timestamp < GROUP_GAP_MS
    entries.push({ kind: 'message', key: `${message.author}:${message.seq}`, message, grouped })
    previous = message
  }
  return entries
}

/** For the room list: the time today, the weekday this week, else a short date. */
export function listTime (ms: number, now = Date.now(), locale?: string): string {
  const label = dayLabel(ms, now, locale)
  if (label === 'Today') return new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
  if (label === 'Yesterday') return label
  const date = new Date(ms)
  const daysAgo = (now - ms) / DAY_MS
  if (daysAgo < 7 && daysAgo > 0) return date.toLocaleDateString(locale, { weekday: 'short' })
  return date.toLocaleDateString(locale, date.getFullYear() === new Date(now).getFullYear()
    ? { month: 'short', day: 'numeric' }
    : { year: 'numeric', month: 'short', day: 'numeric' })
}
