/**
 * Unread counts and room previews. A message is unread when someone else wrote it and it
 * arrived after the user last had its room open and visible. Pure.
 */
import { isNotice } from '../../src/store/store.js'
import type { MessageRecord, RoomRecord } from '../../src/store/store.js'
import { noticeText } from './notice-text.js'

/** What the room list shows of a room besides its title. */
export interface RoomSummary {
  /** The newest message held, if any. */
  readonly last?: MessageRecord
  readonly unread: number
}

/** A notice (joined, left, named the room) is never unread, and so never notifies. */
export function isUnread (message: MessageRecord, lastRead: number, self: string): boolean {
  return message.author !== self && message.receivedAt > lastRead && !isNotice(message)
}

export function countUnread (messages: readonly MessageRecord[], lastRead: number, self: string): number {
  let n = 0
  for (const m of messages) if (isUnread(m, lastRead, self)) n++
  return n
}

/** Unread messages in every room that is not muted. */
export function unreadTotal (rooms: readonly RoomRecord[], summaries: Readonly<Record<string, RoomSummary>>): number {
  let total = 0
  for (const room of rooms) if (room.muted !== true) total += summaries[room.id]?.unread ?? 0
  return total
}

/** "(3) Meshchat"; the bare title when nothing is unread. */
export function titleWithUnread (base: string, total: number): string {
  return total > 0 ? `(${badgeText(total)}) ${base}` : base
}

/** What a badge shows: the count, or "99+". */
export function badgeText (count: number): string {
  return count > 99 ? '99+' : String(count)
}

/** "Ann: see you at…", one line, at most `max` characters. */
export function previewLine (message: MessageRecord, self: string, max = 80): string {
  const who = message.author === self ? 'You' : message.name
  const line = isNotice(message) ? noticeText(message, who) : `${who}: ${message.text.replace(/\s+/g, ' ').trim()}`
  const chars = [...line]
  return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : line
}

/** The time a room last changed, for sorting the list: its newest message, else when joined. */
export function roomActivity (room: RoomRecord, summary?: RoomSummary): number {
  return Math.max(room.lastActivity, room.joinedAt, summary?.last?.timestamp ?? 0)
}

/** Rooms with the latest activity first. */
export function sortRooms (rooms: readonly RoomRecord[], summaries: Readonly<Record<string, RoomSummary>>): RoomRecord[] {
  return [...rooms].sort((a, b) => roomActivity(b, summaries[b.id]) - roomActivity(a, summaries[a.id]))
}
