import 'fake-indexeddb/auto'
import { openDB } from 'idb'
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

  it('upgrades a version 1 database to version 2, keeping everything and adding file chunks', async () => {
    const name = uniqueName()
    // A database exactly as version 1 made it, with one of everything.
    const v1 = await openDB(name, 1, {
      upgrade (db) {
        db.createObjectStore('meta', { keyPath: 'key' })
        db.createObjectStore('rooms', { keyPath: 'id' })
        db.createObjectStore('seqs', { keyPath: 'roomId' })
        const messages = db.createObjectStore('messages', { keyPath: ['roomId', 'author', 'seq'] })
        messages.createIndex('byTime', ['roomId', 'timestamp'])
        messages.createIndex('byState', ['roomId', 'state'])
        db.createObjectStore('members', { keyPath: ['roomId', 'key'] })
      }
    })
    await v1.put('meta', { key: 'displayName', value: 'Ann' })
    await v1.put('rooms', { id: 'aa'.repeat(32), secret: '7KQ2MX9D4RT0V1ABCDEFGHJKMN', joinedAt: 1, lastActivity: 2 })
    await v1.put('seqs', { roomId: 'aa'.repeat(32), seq: 1 })
    await v1.put('messages', message({ seq: 1, state: 'pending' }))
    await v1.put('members', { roomId: 'aa'.repeat(32), key: '0a'.repeat(32), name: 'Bob', lastSeen: 3 })
    v1.close()

    const upgraded = await IdbStore.open({ name })
    try {
      expect(await upgraded.getMeta('displayName')).toBe('Ann')
      expect(await upgraded.listRooms()).toHaveLength(1)
      expect(await upgraded.nextSeq('aa'.repeat(32))).toBe(2)
      expect(await upgraded.pendingMessages('aa'.repeat(32))).toEqual([message({ seq: 1, state: 'pending' })])
      expect(await upgraded.latestMessages('aa'.repeat(32), 10)).toHaveLength(1)
      expect(await upgraded.listMembers('aa'.repeat(32))).toHaveLength(1)
      await upgraded.putFileChunk('fa'.repeat(32), 0, Uint8Array.of(1))
      expect(await upgraded.fileChunkIndexes('fa'.repeat(32))).toEqual([0])
    } finally {
      await upgraded.close()
    }
  })
})
