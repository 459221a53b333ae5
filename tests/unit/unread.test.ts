import { describe, expect, it } from 'vitest'
import type { RoomRecord } from '../../src/store/store.js'
import { badgeText, countUnread, isUnread, previewLine, sortRooms, titleWithUnread, unreadTotal } from '../../web/src/unread.js'
import { message } from './store-suite.js'

const ME = '01'.repeat(32)
const ANN = '0a'.repeat(32)
const room = (id: string, overrides: Partial<RoomRecord> = {}): RoomRecord =>
  ({ id, secret: 'ABCDEFGHJKMNPQRSTVWXYZ0123', joinedAt: 10, lastActivity: 0, ...overrides })

describe('unread counting', () => {
  it('counts messages from others received after the last read time, never the user\'s own', () => {
    const list = [
      message({ seq: 1, author: ANN, receivedAt: 100 }),
      message({ seq: 2, author: ANN, receivedAt: 200 }),
      message({ seq: 1, author: ME, receivedAt: 300 }),
      message({ seq: 3, author: ANN, receivedAt: 300 })
    ]
    expect(countUnread(list, 150, ME)).toBe(2)
    expect(countUnread(list, 0, ME)).toBe(3)
    expect(countUnread(list, 300, ME)).toBe(0)
    expect(countUnread([], 0, ME)).toBe(0)
    expect(isUnread(list[1], 200, ME)).toBe(false)
  })

  it('totals unread messages over rooms that are not muted', () => {
    const rooms = [room('a'), room('b', { muted: true }), room('c', { muted: false }), room('d')]
    expect(unreadTotal(rooms, { a: { unread: 2 }, b: { unread: 5 }, c: { unread: 1 } })).toBe(3)
    expect(unreadTotal([], {})).toBe(0)
  })

  it('puts the total in the title, capped at 99+', () => {
    expect(titleWithUnread('Meshchat', 0)).toBe('Meshchat')
    expect(titleWithUnread('Meshchat', 3)).toBe('(3) Meshchat')
    expect(titleWithUnread('Meshchat', 150)).toBe('(99+) Meshchat')
    expect(badgeText(99)).toBe('99')
  })
})

describe('room previews', () => {
  it('shows the author (or You) and the text on one line, truncated', () => {
    expect(previewLine(message({ seq: 1, author: ANN, name: 'Ann', text: 'hi\n\nthere' }), ME)).toBe('Ann: hi there')
    expect(previewLine(message({ seq: 1, author: ME, text: 'ok' }), ME)).toBe('You: ok')
    const long = previewLine(message({ seq: 1, author: ANN, name: 'Ann', text: 'x'.repeat(200) }), ME, 20)
    expect([...long]).toHaveLength(20)
    expect(long.endsWith('…')).toBe(true)
  })

  it('sorts rooms by their latest message, else by when they were joined', () => {
    const rooms = [room('old', { joinedAt: 1 }), room('new', { joinedAt: 500 }), room('busy', { joinedAt: 2 })]
    const summaries = { busy: { unread: 0, last: message({ seq: 1, timestamp: 900 }) } }
    expect(sortRooms(rooms, summaries).map(r => r.id)).toEqual(['busy', 'new', 'old'])
  })
})
