import { describe, expect, it } from 'vitest'
import { dayKey, dayLabel, listEntries, listTime } from '../../web/src/days.js'
import { message } from './store-suite.js'

const at = (y: number, m: number, d: number, h = 12, min = 0): number => new Date(y, m - 1, d, h, min).getTime()
const NOW = at(2024, 3, 14, 15, 30) // a Thursday
const ANN = '0a'.repeat(32)
const BOB = '0b'.repeat(32)

describe('dayLabel', () => {
  it('says Today and Yesterday by calendar day, not by 24 hours', () => {
    expect(dayLabel(at(2024, 3, 14, 0, 1), NOW, 'en-US')).toBe('Today')
    expect(dayLabel(at(2024, 3, 13, 23, 59), NOW, 'en-US')).toBe('Yesterday')
    expect(dayLabel(at(2024, 3, 13, 0, 0), NOW, 'en-US')).toBe('Yesterday')
  })

  it('names the weekday within the last week, then the date, with the year only for other years', () => {
    expect(dayLabel(at(2024, 3, 11), NOW, 'en-US')).toBe('Monday')
    expect(dayLabel(at(2024, 3, 1), NOW, 'en-US')).toBe('Fri, March 1')
    expect(dayLabel(at(2023, 12, 25), NOW, 'en-US')).toBe('December 25, 2023')
  })
})

describe('listTime', () => {
  it('shows the time today, Yesterday, a weekday, then a short date', () => {
    expect(listTime(at(2024, 3, 14, 9, 5), NOW, 'en-GB')).toBe('09:05')
    expect(listTime(at(2024, 3, 13), NOW, 'en-US')).toBe('Yesterday')
    expect(listTime(at(2024, 3, 11), NOW, 'en-US')).toBe('Mon')
    expect(listTime(at(2024, 2, 2), NOW, 'en-US')).toBe('Feb 2')
    expect(listTime(at(2022, 2, 2), NOW, 'en-US')).toBe('Feb 2, 2022')
  })
})

describe('listEntries', () => {
  it('puts a separator before the first message of each day, and none for an empty list', () => {
    expect(listEntries([], { now: NOW })).toEqual([])
    const list = [
      message({ seq: 1, author: ANN, timestamp: at(2024, 3, 13, 10) }),
      message({ seq: 2, author: ANN, timestamp: at(2024, 3, 13, 11) }),
      message({ seq: 3, author: ANN, timestamp: at(2024, 3, 14, 9) })
    ]
    const entries = listEntries(list, { now: NOW, locale: 'en-US' })
    expect(entries.map(e => e.kind === 'day' ? e.label : e.kind === 'message' ? e.message.seq : e.kind))
      .toEqual(['Yesterday', 1, 2, 'Today', 3])
    expect(entries[0].key).toBe(`day:${dayKey(at(2024, 3, 13))}`)
  })

  it('groups one author\'s messages within five minutes on the same day, and nobody else\'s', () => {
    const list = [
      message({ seq: 1, author: ANN, timestamp: at(2024, 3, 14, 10, 0) }),
      message({ seq: 2, author: ANN, timestamp: at(2024, 3, 14, 10, 4) }),
      message({ seq: 1, author: BOB, timestamp: at(2024, 3, 14, 10, 5) }),
      message({ seq: 3, author: ANN, timestamp: at(2024, 3, 14, 10, 6) }),
      message({ seq: 4, author: ANN, timestamp: at(2024, 3, 14, 10, 20) })
    ]
    const grouped = listEntries(list, { now: NOW }).flatMap(e => e.kind === 'message' ? [e.grouped] : [])
    expect(grouped).toEqual([false, true, false, false, false])
  })

  it('starts a new group when the author changed their name', () => {
    const list = [
      message({ seq: 1, author: ANN, name: 'Ann', timestamp: at(2024, 3, 14, 10, 0) }),
      message({ seq: 2, author: ANN, name: 'Ann B.', timestamp: at(2024, 3, 14, 10, 1) })
    ]
    expect(listEntries(list, { now: NOW }).flatMap(e => e.kind === 'message' ? [e.grouped] : [])).toEqual([false, false])
  })

  it('marks the first message from someone else received after the last read time', () => {
    const list = [
      message({ seq: 1, author: ANN, timestamp: at(2024, 3, 14, 10), receivedAt: 100 }),
      message({ seq: 1, author: BOB, timestamp: at(2024, 3, 14, 10, 1), receivedAt: 300 }), // mine
      message({ seq: 2, author: ANN, timestamp: at(2024, 3, 14, 10, 2), receivedAt: 300 }),
      message({ seq: 3, author: ANN, timestamp: at(2024, 3, 14, 10, 3), receivedAt: 400 })
    ]
    const kinds = listEntries(list, { now: NOW, self: BOB, lastRead: 200 }).map(e => e.kind === 'message' ? `${e.message.seq}${e.grouped ? 'g' : ''}` : e.kind)
    expect(kinds).toEqual(['day', '1', '1', 'unread', '2', '3g'])
    expect(listEntries(list, { now: NOW, self: BOB }).some(e => e.kind === 'unread')).toBe(false)
    expect(listEntries(list, { now: NOW, self: BOB, lastRead: 500 }).some(e => e.kind === 'unread')).toBe(false)
  })
})
