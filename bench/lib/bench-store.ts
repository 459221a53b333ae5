/**
 * The store the Node members use in the benchmark. It keeps everything in memory like the
 * project's MemoryStore, but finds a room's pending messages from a set instead of sorting the
 * whole room on every lookup (MemoryStore does, which is fine for tests and makes a room with
 * thousands of messages slow; in browsers IdbStore answers it from an index).
 */
import type { MemberRecord, MessageRecord, MessageState, RoomRecord, Store } from '../../src/store/store.js'
import { compareMessages } from '../../src/store/store.js'

export class BenchStore implements Store {
  private readonly meta = new Map<string, unknown>()
  private readonly rooms = new Map<string, RoomRecord>()
  private readonly seqs = new Map<string, number>()
  private readonly messages = new Map<string, MessageRecord>()
  private readonly pending = new Map<string, Set<string>>()
  private readonly members = new Map<string, MemberRecord>()

  async getMeta<T>(key: string): Promise<T | undefined> { return this.meta.get(key) as T | undefined }
  async putMeta (key: string, value: unknown): Promise<void> { this.meta.set(key, value) }
  async listRooms (): Promise<RoomRecord[]> { return [...this.rooms.values()].map(r => ({ ...r })) }
  async getRoom (id: string): Promise<RoomRecord | undefined> {
    const room = this.rooms.get(id)
    return room === undefined ? undefined : { ...room }
  }

  async putRoom (room: RoomRecord): Promise<void> { this.rooms.set(room.id, { ...room }) }
  async nextSeq (roomId: string): Promise<number> {
    const seq = (this.seqs.get(roomId) ?? 0) + 1
    this.seqs.set(roomId, seq)
    return seq
  }

  async addMessage (message: MessageRecord): Promise<boolean> {
    const key = `${message.roomId}/${message.author}/${message.seq}`
    if (this.messages.has(key)) return false
    this.messages.set(key, { ...message })
    if (message.state === 'pending') this.pendingOf(message.roomId).add(key)
    return true
  }

  async hasMessage (roomId: string, author: string, seq: number): Promise<boolean> {
    return this.messages.has(`${roomId}/${author}/${seq}`)
  }

  async setMessageState (roomId: string, author: string, seq: number, state: MessageState): Promise<void> {
    const key = `${roomId}/${author}/${seq}`
    const message = this.messages.get(key)
    if (message === undefined) return
    message.state = state
    if (state === 'pending') this.pendingOf(roomId).add(key)
    else this.pendingOf(roomId).delete(key)
  }

  async replaceMessage (message: MessageRecord): Promise<void> {
    const key = `${message.roomId}/${message.author}/${message.seq}`
    this.messages.set(key, { ...message })
    if (message.state === 'pending') this.pendingOf(message.roomId).add(key)
    else this.pendingOf(message.roomId).delete(key)
  }

  async latestMessages (roomId: string, limit: number): Promise<MessageRecord[]> {
    const all = [...this.messages.values()].filter(m => m.roomId === roomId).sort(compareMessages)
    return limit <= 0 ? [] : all.slice(-limit).map(m => ({ ...m }))
  }

  async pendingMessages (roomId: string): Promise<MessageRecord[]> {
    return [...this.pendingOf(roomId)].map(key => ({ ...this.messages.get(key)! })).sort((a, b) => a.seq - b.seq)
  }

  async putMember (member: MemberRecord): Promise<void> { this.members.set(`${member.roomId}/${member.key}`, { ...member }) }
  async listMembers (roomId: string): Promise<MemberRecord[]> {
    return [...this.members.values()].filter(m => m.roomId === roomId).map(m => ({ ...m }))
  }

  async close (): Promise<void> {}

  private pendingOf (roomId: string): Set<string> {
    let set = this.pending.get(roomId)
    if (set === undefined) this.pending.set(roomId, set = new Set())
    return set
  }
}
