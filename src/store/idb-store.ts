/**
 * A Store on IndexedDB, through `idb`. Messages are keyed by [room, author, seq], so storing the
 * same message twice is impossible by construction; an index on [room, timestamp] serves the
 * newest messages of a room without reading the rest.
 */
import { openDB } from 'idb'
import type { DBSchema, IDBPDatabase } from 'idb'
import { SEARCH_LIMIT, compareMessages, matchesSearch, newestFirst, searchable } from './store.js'
import type { AuthorHead, MemberRecord, MessageRecord, MessageState, RoomRecord, RoomSettings, SearchOptions, Store } from './store.js'

/**
 * Version 2 adds `fileChunks`. Upgrades only ever add: a database from an older version keeps
 * everything it held.
 */
const DB_VERSION = 2

interface Schema extends DBSchema {
  meta: { key: string, value: { key: string, value: unknown } }
  rooms: { key: string, value: RoomRecord }
  seqs: { key: string, value: { roomId: string, seq: number } }
  messages: {
    key: [string, string, number]
    value: MessageRecord
    indexes: { byTime: [string, number], byState: [string, string] }
  }
  members: { key: [string, string], value: MemberRecord }
  /** Sealed file chunks by [file id, index], as received or as made when sending. */
  fileChunks: { key: [string, number], value: { fileId: string, index: number, data: Uint8Array } }
}

export interface IdbStoreInit {
  /** Database name; `meshchat` by default. Tests use one per store. */
  name?: string
}

export class IdbStore implements Store {
  private constructor (private readonly db: IDBPDatabase<Schema>) {}

  /** Opens (and creates or upgrades) the database. */
  static async open (init: IdbStoreInit = {}): Promise<IdbStore> {
    if (globalThis.indexedDB === undefined) throw new Error('IndexedDB is not available here')
    const db = await openDB<Schema>(init.name ?? 'meshchat', DB_VERSION, {
      upgrade (db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('meta', { keyPath: 'key' })
          db.createObjectStore('rooms', { keyPath: 'id' })
          db.createObjectStore('seqs', { keyPath: 'roomId' })
          const messages = db.createObjectStore('messages', { keyPath: ['roomId', 'author', 'seq'] })
          messages.createIndex('byTime', ['roomId', 'timestamp'])
          messages.createIndex('byState', ['roomId', 'state'])
          db.createObjectStore('members', { keyPath: ['roomId', 'key'] })
        }
        if (oldVersion < 2) db.createObjectStore('fileChunks', { keyPath: ['fileId', 'index'] })
      }
    })
    return new IdbStore(db)
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('meta', key))?.value as T | undefined
  }

  async putMeta (key: string, value: unknown): Promise<void> {
    await this.db.put('meta', { key, value })
  }

  async deleteMeta (key: string): Promise<void> {
    await this.db.delete('meta', key)
  }

  async listRooms (): Promise<RoomRecord[]> {
    return await this.db.getAll('rooms')
  }

  async getRoom (id: string): Promise<RoomRecord | undefined> {
    return await this.db.get('rooms', id)
  }

  async putRoom (room: RoomRecord): Promise<void> {
    await this.db.put('rooms', room)
  }

  async updateRoom (id: string, settings: RoomSettings): Promise<RoomRecord | undefined> {
    const tx = this.db.transaction('rooms', 'readwrite')
    const room = await tx.store.get(id)
    if (room !== undefined) await tx.store.put(Object.assign(room, settings))
    await tx.done
    return room
  }

  async deleteRoom (id: string): Promise<void> {
    const tx = this.db.transaction(['rooms', 'members'], 'readwrite')
    await tx.objectStore('rooms').delete(id)
    await tx.objectStore('members').delete(IDBKeyRange.bound([id, ''], [id, '\uffff']))
    await tx.done
  }

  async deleteMessages (roomId: string): Promise<void> {
    const tx = this.db.transaction('messages', 'readwrite')
    await tx.store.delete(IDBKeyRange.bound([roomId, '', -Infinity], [roomId, '\uffff', Infinity]))
    await tx.done
  }

  async nextSeq (roomId: string, above = 0): Promise<number> {
    const tx = this.db.transaction('seqs', 'readwrite')
    const seq = Math.max((await tx.store.get(roomId))?.seq ?? 0, above) + 1
    await tx.store.put({ roomId, seq })
    await tx.done
    return seq
  }

  async addMessage (message: MessageRecord): Promise<boolean> {
    try {
      await this.db.add('messages', message)
      return true
    } catch (err) {
      if ((err as Error).name === 'ConstraintError') return false
      throw err
    }
  }

  async hasMessage (roomId: string, author: string, seq: number): Promise<boolean> {
    return (await this.db.count('messages', [roomId, author, seq])) > 0
  }

  async getMessage (roomId: string, author: string, seq: number): Promise<MessageRecord | undefined> {
    return await this.db.get('messages', [roomId, author, seq])
  }

  async authorHead (roomId: string, author: string): Promise<AuthorHead> {
    const range = IDBKeyRange.bound([roomId, author, 0], [roomId, author, Infinity])
    const tx = this.db.transaction('messages')
    const [count, last] = await Promise.all([tx.store.count(range), tx.store.openKeyCursor(range, 'prev')])
    return { maxSeq: last === null ? 0 : (last.key)[2], count }
  }

  async missingSeqs (roomId: string, author: string, upTo: number, limit: number): Promise<number[]> {
    const missing: number[] = []
    let expected = 1
    // Walk the held sequence numbers in order; the holes between them are what is missing.
    let cursor = await this.db.transaction('messages').store
      .openKeyCursor(IDBKeyRange.bound([roomId, author, 1], [roomId, author, upTo]))
    while (missing.length < limit && expected <= upTo) {
      const held = cursor === null ? upTo + 1 : cursor.key[2]
      while (expected < held && expected <= upTo && missing.length < limit) missing.push(expected++)
      if (cursor === null) break
      expected = held + 1
      cursor = await cursor.continue()
    }
    return missing
  }

  async setMessageState (roomId: string, author: string, seq: number, state: MessageState): Promise<void> {
    const tx = this.db.transaction('messages', 'readwrite')
    const message = await tx.store.get([roomId, author, seq])
    if (message !== undefined) {
      message.state = state
      await tx.store.put(message)
    }
    await tx.done
  }

  async removeMessage (roomId: string, author: string, seq: number): Promise<void> {
    await this.db.delete('messages', [roomId, author, seq])
  }

  async replaceMessage (message: MessageRecord): Promise<void> {
    await this.db.put('messages', message)
  }

  async latestMessages (roomId: string, limit: number): Promise<MessageRecord[]> {
    if (limit <= 0) return []
    // Two requests whatever the limit, instead of one per message: a key cursor jumps to the
    // limit-th newest time, then one getAll reads everything from that time on. A cursor stepped
    // message by message costs a round trip each, which is most of the time to open a room.
    const index = this.db.transaction('messages').store.index('byTime')
    let cursor = await index.openKeyCursor(IDBKeyRange.bound([roomId, -Infinity], [roomId, Infinity]), 'prev')
    if (cursor === null) return []
    if (limit > 1) cursor = await cursor.advance(limit - 1)
    const from = cursor === null ? -Infinity : cursor.key[1]
    const newest = await index.getAll(IDBKeyRange.bound([roomId, from], [roomId, Infinity]))
    // Messages that share the boundary time come in key order; keep the display order's newest.
    return newest.sort(compareMessages).slice(-limit)
  }

  async pendingMessages (roomId: string): Promise<MessageRecord[]> {
    const pending = await this.db.getAllFromIndex('messages', 'byState', [roomId, 'pending'])
    return pending.sort((a, b) => a.seq - b.seq)
  }

  async searchMessages (query: string, options: SearchOptions = {}): Promise<MessageRecord[]> {
    const needle = searchable(query.trim())
    const limit = options.limit ?? SEARCH_LIMIT
    if (needle === '' || limit <= 0) return []
    // Local history is small enough to scan; a room's scan walks its time index newest first.
    if (options.roomId !== undefined) {
      const range = IDBKeyRange.bound([options.roomId, -Infinity], [options.roomId, Infinity])
      const out: MessageRecord[] = []
      let cursor = await this.db.transaction('messages').store.index('byTime').openCursor(range, 'prev')
      while (cursor !== null && out.length < limit) {
        if (matchesSearch(cursor.value, needle)) out.push(cursor.value)
        cursor = await cursor.continue()
      }
      return out.sort(newestFirst)
    }
    const found: MessageRecord[] = []
    let cursor = await this.db.transaction('messages').store.openCursor()
    while (cursor !== null) {
      if (matchesSearch(cursor.value, needle)) found.push(cursor.value)
      cursor = await cursor.continue()
    }
    return found.sort(newestFirst).slice(0, limit)
  }

  async putMember (member: MemberRecord): Promise<void> {
    await this.db.put('members', member)
  }

  async listMembers (roomId: string): Promise<MemberRecord[]> {
    return await this.db.getAll('members', IDBKeyRange.bound([roomId, ''], [roomId, '\uffff']))
  }

  async putFileChunk (fileId: string, index: number, data: Uint8Array): Promise<void> {
    await this.db.put('fileChunks', { fileId, index, data })
  }

  async getFileChunk (fileId: string, index: number): Promise<Uint8Array | undefined> {
    return (await this.db.get('fileChunks', [fileId, index]))?.data
  }

  async fileChunkIndexes (fileId: string): Promise<number[]> {
    const keys = await this.db.getAllKeys('fileChunks', chunkRange(fileId))
    return keys.map(k => k[1])
  }

  async deleteFileChunks (fileId: string): Promise<void> {
    await this.db.delete('fileChunks', chunkRange(fileId))
  }

  async close (): Promise<void> {
    this.db.close()
  }
}

/** Every chunk key of one file. */
function chunkRange (fileId: string): IDBKeyRange {
  return IDBKeyRange.bound([fileId, 0], [fileId, Number.MAX_SAFE_INTEGER])
}
