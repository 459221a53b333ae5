import { SEARCH_LIMIT, compareMessages, matchesSearch, newestFirst, searchable } from './store.js'
import type { AuthorHead, MemberRecord, MessageRecord, MessageState, RoomRecord, RoomSettings, SearchOptions, Store } from './store.js'

/** A Store that lives in memory: for tests, and when the browser offers no IndexedDB. */
export class MemoryStore implements Store {
  private readonly meta = new Map<string, unknown>()
  private readonly rooms = new Map<string, RoomRecord>()
  private readonly seqs = new Map<string, number>()
  private readonly messages = new Map<string, MessageRecord>()
  /** Per room and author: highest seq and count held, kept up to date so history sync does not scan. */
  private readonly heads = new Map<string, { roomId: string, maxSeq: number, count: number }>()
  /**
   * Keys of messages stored or marked as pending, as IdbStore's index by state: the outbox is
   * read on every send, and scanning every message for it grew with the history. A key whose
   * message has since been sent or removed is dropped when the outbox is next read.
   */
  private readonly maybePending = new Set<string>()
  private readonly members = new Map<string, MemberRecord>()
  /** File id -> chunk index -> sealed chunk. */
  private readonly fileChunks = new Map<string, Map<number, Uint8Array>>()

  async getMeta<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.meta.get(key)) as T | undefined
  }

  async putMeta (key: string, value: unknown): Promise<void> {
    this.meta.set(key, structuredClone(value))
  }

  async deleteMeta (key: string): Promise<void> {
    this.meta.delete(key)
  }

  async listRooms (): Promise<RoomRecord[]> {
    return [...this.rooms.values()].map(copyRoom)
  }

  async getRoom (id: string): Promise<RoomRecord | undefined> {
    const room = this.rooms.get(id)
    return room === undefined ? undefined : copyRoom(room)
  }

  async putRoom (room: RoomRecord): Promise<void> {
    this.rooms.set(room.id, copyRoom(room))
  }

  async updateRoom (id: string, settings: RoomSettings): Promise<RoomRecord | undefined> {
    const room = this.rooms.get(id)
    if (room === undefined) return undefined
    Object.assign(room, settings.epochs === undefined ? settings : { ...settings, epochs: structuredClone(settings.epochs) })
    return copyRoom(room)
  }

  async deleteRoom (id: string): Promise<void> {
    this.rooms.delete(id)
    for (const [key, member] of this.members) if (member.roomId === id) this.members.delete(key)
  }

  async deleteMessages (roomId: string): Promise<void> {
    for (const [key, message] of this.messages) if (message.roomId === roomId) this.messages.delete(key)
    for (const [key, head] of this.heads) if (head.roomId === roomId) this.heads.delete(key)
  }

  async nextSeq (roomId: string, above = 0): Promise<number> {
    const seq = Math.max(this.seqs.get(roomId) ?? 0, above) + 1
    this.seqs.set(roomId, seq)
    return seq
  }

  async addMessage (message: MessageRecord): Promise<boolean> {
    const key = messageKey(message.roomId, message.author, message.seq)
    if (this.messages.has(key)) return false
    this.messages.set(key, { ...message })
    if (message.state === 'pending') this.maybePending.add(key)
    const headKey = `${message.roomId}/${message.author}`
    const head = this.heads.get(headKey) ?? { roomId: message.roomId, maxSeq: 0, count: 0 }
    this.heads.set(headKey, { roomId: message.roomId, maxSeq: Math.max(head.maxSeq, message.seq), count: head.count + 1 })
    return true
  }

  async hasMessage (roomId: string, author: string, seq: number): Promise<boolean> {
    return this.messages.has(messageKey(roomId, author, seq))
  }

  async getMessage (roomId: string, author: string, seq: number): Promise<MessageRecord | undefined> {
    const message = this.messages.get(messageKey(roomId, author, seq))
    return message === undefined ? undefined : { ...message }
  }

  async authorHead (roomId: string, author: string): Promise<AuthorHead> {
    const head = this.heads.get(`${roomId}/${author}`)
    return { maxSeq: head?.maxSeq ?? 0, count: head?.count ?? 0 }
  }

  async missingSeqs (roomId: string, author: string, upTo: number, limit: number): Promise<number[]> {
    const missing: number[] = []
    for (let seq = 1; seq <= upTo && missing.length < limit; seq++) {
      if (!this.messages.has(messageKey(roomId, author, seq))) missing.push(seq)
    }
    return missing
  }

  async setMessageState (roomId: string, author: string, seq: number, state: MessageState): Promise<void> {
    const key = messageKey(roomId, author, seq)
    const message = this.messages.get(key)
    if (message === undefined) return
    message.state = state
    if (state === 'pending') this.maybePending.add(key)
  }

  async removeMessage (roomId: string, author: string, seq: number): Promise<void> {
    if (!this.messages.delete(messageKey(roomId, author, seq))) return
    // Rare (a renumbered message of ours): the head is worked out again from what is left.
    let maxSeq = 0
    let count = 0
    for (const m of this.messages.values()) {
      if (m.roomId !== roomId || m.author !== author) continue
      count++
      maxSeq = Math.max(maxSeq, m.seq)
    }
    this.heads.set(`${roomId}/${author}`, { roomId, maxSeq, count })
  }

  async replaceMessage (message: MessageRecord): Promise<void> {
    const key = messageKey(message.roomId, message.author, message.seq)
    this.messages.set(key, { ...message })
    if (message.state === 'pending') this.maybePending.add(key)
  }

  async latestMessages (roomId: string, limit: number): Promise<MessageRecord[]> {
    return limit <= 0 ? [] : this.roomMessages(roomId).slice(-limit)
  }

  async pendingMessages (roomId: string): Promise<MessageRecord[]> {
    const pending: MessageRecord[] = []
    for (const key of this.maybePending) {
      const message = this.messages.get(key)
      if (message?.state !== 'pending') this.maybePending.delete(key)
      else if (message.roomId === roomId) pending.push({ ...message })
    }
    return pending.sort((a, b) => a.seq - b.seq)
  }

  async searchMessages (query: string, options: SearchOptions = {}): Promise<MessageRecord[]> {
    const needle = searchable(query.trim())
    const limit = options.limit ?? SEARCH_LIMIT
    if (needle === '' || limit <= 0) return []
    return [...this.messages.values()]
      .filter(m => (options.roomId === undefined || m.roomId === options.roomId) && matchesSearch(m, needle))
      .sort(newestFirst).slice(0, limit).map(m => ({ ...m }))
  }

  async putMember (member: MemberRecord): Promise<void> {
    this.members.set(`${member.roomId}/${member.key}`, { ...member })
  }

  async listMembers (roomId: string): Promise<MemberRecord[]> {
    return [...this.members.values()].filter(m => m.roomId === roomId).map(m => ({ ...m }))
  }

  async putFileChunk (fileId: string, index: number, data: Uint8Array): Promise<void> {
    let chunks = this.fileChunks.get(fileId)
    if (chunks === undefined) this.fileChunks.set(fileId, chunks = new Map())
    chunks.set(index, data.slice())
  }

  async getFileChunk (fileId: string, index: number): Promise<Uint8Array | undefined> {
    return this.fileChunks.get(fileId)?.get(index)?.slice()
  }

  async fileChunkIndexes (fileId: string): Promise<number[]> {
    return [...this.fileChunks.get(fileId)?.keys() ?? []].sort((a, b) => a - b)
  }

  async deleteFileChunks (fileId: string): Promise<void> {
    this.fileChunks.delete(fileId)
  }

  async close (): Promise<void> {}

  private roomMessages (roomId: string): MessageRecord[] {
    return [...this.messages.values()].filter(m => m.roomId === roomId).sort(compareMessages).map(m => ({ ...m }))
  }
}

function messageKey (roomId: string, author: string, seq: number): string {
  return `${roomId}/${author}/${seq}`
}

/**
 * A copy of a room record that shares nothing with it, as a database would hand out. Its only
 * nested field is `epochs`; the rest are plain values, copied as they are. A room's last activity
 * is written for every message shown, and cloning the whole record for it with structuredClone
 * was 5% of a benchmark member process's main thread.
 */
function copyRoom (room: RoomRecord): RoomRecord {
  return room.epochs === undefined ? { ...room } : { ...room, epochs: structuredClone(room.epochs) }
}
