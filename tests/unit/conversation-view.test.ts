/**
 * What the conversation shows of replies, notices and presence: quotes, "last seen" labels,
 * and notices kept out of unread counts and grouping. Pure functions, no DOM.
 */
import { describe, expect, it } from 'vitest'
import type { MessageRecord } from '../../src/store/store.js'
import { lastSeenLabel } from '../../web/src/last-seen.js'
import { firstLine, quoteOf } from '../../web/src/replies.js'
import { listEntries } from '../../web/src/days.js'
import { countUnread, isUnread, previewLine } from '../../web/src/unread.js'

const NOW = new Date(2026, 2, 10, 12, 0).getTime()
const MIN = 60_000

function message (fields: Partial<MessageRecord>): MessageRecord {
  return {
    roomId: 'r', author: 'aa', seq: 1, kind: 1, epoch: 'e', timestamp: NOW, receivedAt: NOW, body: new Uint8Array(),
    signature: new Uint8Array(), name: 'Ann', text: 'hello', state: 'received', ...fields
  }
}

describe('last seen', () => {
  it('says how long ago, in words that grow with the gap', () => {
    expect(lastSeenLabel(NOW - 10_000, NOW)).toBe('last seen just now')
    expect(lastSeenLabel(NOW - 5 * MIN, NOW)).toBe('last seen 5 min ago')
    expect(lastSeenLabel(NOW - 59 * MIN, NOW)).toBe('last seen 59 min ago')
    expect(lastSeenLabel(NOW - 3 * 60 * MIN, NOW)).toBe('last seen 3 h ago')
    expect(lastSeenLabel(NOW - 25 * 60 * MIN, NOW)).toBe('last seen yesterday')
    expect(lastSeenLabel(NOW - 4 * 24 * 60 * MIN, NOW)).toBe('last seen 4 days ago')
    expect(lastSeenLabel(NOW - 30 * 24 * 60 * MIN, NOW, 'en-GB')).toBe('last seen 8 Feb 2026')
  })

  it('never says "ago" of the future (a clock ahead) nor of a time never seen', () => {
    expect(lastSeenLabel(NOW + 5 * MIN, NOW)).toBe('last seen just now')
    expect(lastSeenLabel(0, NOW)).toBe('not seen yet')
  })
})

describe('reply quotes', () => {
  it('show the author and the first line of a loaded original', () => {
    const original = message({ seq: 4, name: 'Ann', text: '\n  first line  \nsecond line' })
    expect(quoteOf({ author: 'aa', seq: 4 }, [original], () => '?')).toEqual({ author: 'Ann', line: 'first line', loaded: true, deleted: false })
  })

  it('say "Deleted message" for a deleted original, and still show a reply to a message not held', () => {
    const deleted = message({ seq: 4, text: '', deleted: true })
    expect(quoteOf({ author: 'aa', seq: 4 }, [deleted], () => 'Ann')).toMatchObject({ line: 'Deleted message', deleted: true })
    expect(quoteOf({ author: 'bb', seq: 9 }, [deleted], key => `name of ${key}`))
      .toEqual({ author: 'name of bb', line: 'Message not loaded', loaded: false, deleted: false })
  })

  it('cut a long first line with an ellipsis, without splitting a character', () => {
    expect(firstLine('🦊'.repeat(100), 10)).toBe(`${'🦊'.repeat(9)}…`)
    expect(firstLine('short')).toBe('short')
  })
})

describe('notices in the list (joined, left, named the room)', () => {
  const joined = message({ seq: 1, kind: 17, text: '', membership: 'joined', receivedAt: NOW + 1 })
  const named = message({ seq: 2, kind: 18, text: '', renamed: ' Friday\n  lunch ', receivedAt: NOW + 1 })
  const before = message({ seq: 1, timestamp: NOW - 1_000, receivedAt: NOW - 1 })
  const first = message({ seq: 3, timestamp: NOW + 1_000, receivedAt: NOW + 2 })

  it('are never unread, so they neither count nor notify', () => {
    for (const notice of [joined, named]) {
      expect(isUnread(notice, NOW, 'me')).toBe(false)
      expect(countUnread([notice, first], NOW, 'me')).toBe(1)
    }
  })

  it('preview as a sentence: who joined or left, the name given or its removal', () => {
    expect(previewLine(joined, 'me')).toBe('Ann joined')
    expect(previewLine({ ...joined, membership: 'left' }, 'aa')).toBe('You left')
    expect(previewLine(named, 'me')).toBe('Ann named the room “Friday lunch”')
    expect(previewLine({ ...named, renamed: 'Trip' }, 'aa')).toBe('You named the room “Trip”')
    expect(previewLine({ ...named, renamed: '' }, 'me')).toBe('Ann removed the room\'s name')
    // By someone this device had not heard from when it arrived.
    expect(previewLine({ ...named, name: '' }, 'me')).toBe('Someone named the room “Friday lunch”')
  })

  it('put the unread marker before the first real message, which starts its own group', () => {
    const entries = listEntries([joined, first], { now: NOW, self: 'me', lastRead: NOW })
    expect(entries.map(e => e.kind)).toEqual(['day', 'message', 'unread', 'message'])
    const after = listEntries([joined, first], { now: NOW })
    expect(after.filter(e => e.kind === 'message').map(e => e.kind === 'message' && e.grouped)).toEqual([false, false])
  })

  it('are not grouped with their author\'s messages on either side', () => {
    const entries = listEntries([before, named, first], { now: NOW, self: 'me', lastRead: NOW })
    expect(entries.map(e => e.kind)).toEqual(['day', 'message', 'message', 'unread', 'message'])
    expect(entries.filter(e => e.kind === 'message').map(e => e.kind === 'message' && e.grouped)).toEqual([false, false, false])
  })
})
