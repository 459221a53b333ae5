import { compareMessages } from './store.js'
import type { MemberRecord, MessageRecord, MessageState, RoomRecord, Store } from './store.js'

/** A Store that lives in memory: for tests, and when the browser offers no IndexedDB. */
export class MemoryStore implements Store {
  private readonly meta = new Map<string, unknown>()
  private readonly rooms = new Map<string, RoomRecord>()
  private readonly seqs = new Map<string, number>()
  private readonly messages = new Map<string, MessageRecord>()
  private readonly members = new Map<string, MemberRecord>()

  async getMeta<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.meta.get(key)) as T | undefined
  }

  async putMeta (key: string, value: unknown): Promise<void> {
    this.meta.set(key, structuredClone(value))
  }

  async listRooms (): Promise<RoomRecord[]> {
    return [...this.rooms.values()].map(r => structuredClone(r))
  }

  async getRoom (id: string): Promise<RoomRecord | undefined> {
    const room = this.rooms.get(id)
    return room === undefined ? undefined : structuredClone(room)
  }

  async putRoom (room: RoomRecord): Promise<void> {
    this.rooms.set(room.id, structuredClone(room))
  }

  async nextSeq (roomId: string): Promise<number> {
    const seq = (this.seqs.get(roomId) ?? 0) + 1
    this.seqs.set(roomId, seq)
    return seq
  }

  async addMessage (message: MessageRecord): Promise<boolean> {
    const key = messageKey(message.roomId, message.author, message.seq)
    if (this.messages.has(key)) return false
    this.messages.set(key, { ...message })
    return true
  }

  async hasMessage (roomId: string, author: string, seq: number): Promise<boolean> {
    return this.messages.has(messageKey(roomId, author, seq))
  }

  async setMessageState (roomId: string, author: string, seq: number, state: MessageState): Promise<void> {
    const message = this.messages.get(messageKey(roomId, author, seq))
    if (message !== undefined) message.state = state
  }

  async replaceMessage (message: MessageRecord): Promise<void> {
    this.messages.set(messageKey(message.roomId, message.author, message.seq), { ...message })
  }

  async latestMessages (roomId: string, limit: number): Promise<MessageRecord[]> {
    return limit <= 0 ? [] : this.roomMessages(roomId).slice(-limit)
  }

  async pendingMessages (roomId: string): Promise<MessageRecord[]> {
    return this.roomMessages(roomId).filter(m => m.state === 'pending').sort((a, b) => a.seq - b.seq)
  }

  async putMember (member: MemberRecord): Promise<void> {
    this.members.set(`${member.roomId}/${member.key}`, { ...member })
  }

  async listMembers (roomId: string): Promise<MemberRecord[]> {
    return [...this.members.values()].filter(m => m.roomId === roomId).map(m => ({ ...m }))
  }

  async close (): Promise<void> {}

  private roomMessages (roomId: string): MessageRecord[] {
    return [...this.messages.values()].filter(m => m.roomId === roomId).sort(compareMessages).map(m => ({ ...m }))
  }
}

function messageKey (roomId: string, author: string, seq: number): string {
  return `${roomId}/${author}/${seq}`
}
