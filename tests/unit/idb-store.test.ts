import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { IdbStore } from '../../src/store/idb-store.js'
import { describeStore, message } from './store-suite.js'

let counter = 0
/** A database name no other store in this run uses. */
const uniqueName = (): string => `meshchat-test-${process.pid}-${++counter}-${Math.random().toString(36).slice(2)}`

describeStore('IdbStore', async () => await IdbStore.open({ name: uniqueName() }))

describe('IdbStore', () => {
  it('keeps everything when the database is closed and opened again', async () => {
    const name = uniqueName()
    const first = await IdbStore.open({ name })
    await first.putMeta('displayName', 'Ann')
    await first.putRoom({ id: 'aa'.repeat(32), secret: '7KQ2MX9D4RT0V1ABCDEFGHJKMN', joinedAt: 1, lastActivity: 2 })
    expect(await first.nextSeq('aa'.repeat(32))).toBe(1)
    await first.addMessage(message({ seq: 1, state: 'pending' }))
    await first.putMember({ roomId: 'aa'.repeat(32), key: '0a'.repeat(32), name: 'Bob', lastSeen: 3 })
    await first.close()

    const second = await IdbStore.open({ name })
    try {
      expect(await second.getMeta('displayName')).toBe('Ann')
      expect(await second.listRooms()).toHaveLength(1)
      expect(await second.nextSeq('aa'.repeat(32))).toBe(2)
      expect(await second.pendingMessages('aa'.repeat(32))).toEqual([message({ seq: 1, state: 'pending' })])
      expect(await second.addMessage(message({ seq: 1 }))).toBe(false)
      expect(await second.listMembers('aa'.repeat(32))).toHaveLength(1)
    } finally {
      await second.close()
    }
  })

  it('keeps databases with different names apart', async () => {
    const a = await IdbStore.open({ name: uniqueName() })
    const b = await IdbStore.open({ name: uniqueName() })
    try {
      await a.putMeta('k', 'a')
      await a.addMessage(message({ seq: 1 }))
      expect(await b.getMeta('k')).toBeUndefined()
      expect(await b.hasMessage('aa'.repeat(32), '01'.repeat(32), 1)).toBe(false)
    } finally {
      await a.close()
      await b.close()
    }
  })
})
