import { isMessageKind } from '../protocol/bodies.js'
import type { StoredEpoch } from '../room/epochs.js'

/**
 * What the core keeps on the device, behind one interface. `IdbStore` keeps it in IndexedDB (the
 * browser); `MemoryStore` keeps it in memory (tests, and the fallback when IndexedDB is
 * unavailable).
 */

/** A room the user has joined. Its codes stay on the device; they are the room's only secrets. */
export interface RoomRecord {
  /** Hex room id derived from the code the room was first joined with. */
  readonly id: string
  /** That first code's canonical secret part. */
  readonly secret: string
  readonly joinedAt: number
  /** Latest message time, for sorting the room list. */
  lastActivity: number
  /** Every epoch known, with how it came about; absent until the first rotation. */
  epochs?: StoredEpoch[]
  /** Set when a rotation left us out: we were removed from the room. */
  removedAt?: number
  /** Local time the user last saw the room open and visible: later messages are unread. */
  lastRead?: number
  /** The user silenced the room: no notifications, not counted in the unread total. */
  muted?: boolean
  /** A direct room: the other person's public key, hex (its code comes from both keys). */
  direct?: string
  /** Kept out of the room list (the inbox where contact requests arrive). */
  hidden?: boolean
  /** The room's name as its members last set it; absent until someone names it. */
  named?: RoomNaming
  /** The latest name dated too far ahead of this device's clock, until its time is near. */
  namedLater?: RoomNaming
}

/**
 * A name given to a room, and by which message: the latest by its author's clock holds (ties go
 * to the higher author key, then number), so every member ends up with the same one.
 */
export interface RoomNaming {
  /** Empty when the room's name was cleared. */
  readonly name: string
  /** The naming message's timestamp, ms. */
  readonly at: number
  /** Its author's key, hex. */
  readonly by: string
  readonly seq: number
}

/**
 * Fields of a room record that change after it is made (by the user: lastRead, muted; by the
 * room: activity, epochs, removal, its name). `Store.updateRoom` writes only the fields given, atomically,
 * so two writers of different fields never undo each other.
 */
export type RoomSettings = Partial<Pick<RoomRecord, 'lastRead' | 'muted' | 'lastActivity' | 'epochs' | 'removedAt' | 'named' | 'namedLater'>>

export interface SearchOptions {
  /** Only this room; every room by default. */
  roomId?: string
  /** At most this many results, newest first. */
  limit?: number
}

/** Delivery state of a stored message: the user's own start `pending`, then `sent`. */
export type MessageState = 'pending' | 'sent' | 'received'

export interface MessageRecord {
  readonly roomId: string
  /** Author public key, hex. */
  readonly author: string
  readonly seq: number
  readonly kind: number
  /** Hex id of the epoch the signature binds to. */
  readonly epoch: string
  /** Author's clock, ms. */
  readonly timestamp: number
  /** Local clock when stored, ms. */
  readonly receivedAt: number
  /** Signed body and signature, kept so the message can be passed on exactly as signed. */
  readonly body: Uint8Array
  readonly signature: Uint8Array
  /**
   * Decoded display fields (empty for edits, deletions and reactions). A room naming carries no
   * name of its author: its record has the name the author was known by here when it arrived.
   */
  readonly name: string
  readonly text: string
  state: MessageState
  /** When the author last edited it (author's clock), and the sequence number of that edit. */
  readonly editedAt?: number
  readonly editSeq?: number
  /** Deleted by its author: text and body are gone, the record stays as a tombstone. */
  readonly deleted?: boolean
  /** Emoji -> keys (hex) of the members who reacted with it. */
  readonly reactions?: Record<string, string[]>
  /** For a reply: the message it quotes (author key hex, seq). */
  readonly replyTo?: { readonly author: string, readonly seq: number }
  /** For a membership notice: whether the author joined or left. */
  readonly membership?: 'joined' | 'left'
  /** For a room naming: the name it gave the room ('' when it took the name away). */
  readonly renamed?: string
}

/**
 * Whether a record is a line about the room in its log (someone joined or left, or named the
 * room) rather than a message someone wrote: never unread, never a search result.
 */
export function isNotice (message: MessageRecord): boolean {
  return message.membership !== undefined || message.renamed !== undefined
}

/** What a device holds of one author's messages in a room. */
export interface AuthorHead {
  readonly maxSeq: number
  readonly count: number
}

export interface MemberRecord {
  readonly roomId: string
  /** Public key, hex. */
  readonly key: string
  name: string
  /** Local clock of the last message or presence seen from them, ms. */
  lastSeen: number
  /** Their chosen avatar colour (see avatar-colours.ts), from their presence; absent or 0: none. */
  colour?: number
}

export interface Store {
  getMeta<T>(key: string): Promise<T | undefined>
  putMeta(key: string, value: unknown): Promise<void>
  deleteMeta(key: string): Promise<void>

  listRooms(): Promise<RoomRecord[]>
  getRoom(id: string): Promise<RoomRecord | undefined>
  putRoom(room: RoomRecord): Promise<void>
  /** Changes a room's settings in one step (no lost update); undefined when the room is not stored. */
  updateRoom(id: string, settings: RoomSettings): Promise<RoomRecord | undefined>
  /**
   * Forgets a room and its members. Its messages stay unless `deleteMessages` is called, and its
   * sequence numbers always stay: rejoining must not reuse a (room, author, seq) others hold.
   */
  deleteRoom(id: string): Promise<void>
  /** Removes every stored message of a room. */
  deleteMessages(roomId: string): Promise<void>
  /**
   * Reserves the user's next sequence number in a room (atomic; starts at 1), above `above` when
   * given: numbers another device of the same identity already used are never handed out again.
   */
  nextSeq(roomId: string, above?: number): Promise<number>

  /** Stores a message once; resolves false (and changes nothing) if (room, author, seq) is already stored. */
  addMessage(message: MessageRecord): Promise<boolean>
  hasMessage(roomId: string, author: string, seq: number): Promise<boolean>
  getMessage(roomId: string, author: string, seq: number): Promise<MessageRecord | undefined>
  /** For one author in a room: the highest sequence number held, and how many are held. */
  authorHead(roomId: string, author: string): Promise<AuthorHead>
  /** Sequence numbers in 1..upTo that are not held for an author, lowest first, at most `limit`. */
  missingSeqs(roomId: string, author: string, upTo: number, limit: number): Promise<number[]>
  setMessageState(roomId: string, author: string, seq: number, state: MessageState): Promise<void>
  /** Removes one stored message (our own pending one, moving to a new number). */
  removeMessage(roomId: string, author: string, seq: number): Promise<void>
  /** Overwrites a stored message (our own pending one, re-signed for a new epoch). */
  replaceMessage(message: MessageRecord): Promise<void>
  /** The newest `limit` messages of a room, oldest first. */
  latestMessages(roomId: string, limit: number): Promise<MessageRecord[]>
  /** The user's messages not yet sent, oldest first. */
  pendingMessages(roomId: string): Promise<MessageRecord[]>
  /**
   * Messages whose text or author name contains `query` (case and accents ignored), newest first.
   * An empty query finds nothing.
   */
  searchMessages(query: string, options?: SearchOptions): Promise<MessageRecord[]>

  putMember(member: MemberRecord): Promise<void>
  listMembers(roomId: string): Promise<MemberRecord[]>

  /** Keeps one sealed chunk of a file (file id hex, chunk index), replacing what was there. */
  putFileChunk(fileId: string, index: number, data: Uint8Array): Promise<void>
  getFileChunk(fileId: string, index: number): Promise<Uint8Array | undefined>
  /** Indexes of the chunks held of a file, ascending. */
  fileChunkIndexes(fileId: string): Promise<number[]>
  /** Forgets every chunk of a file. */
  deleteFileChunks(fileId: string): Promise<void>

  close(): Promise<void>
}

/** Orders messages for display: author's time, then author and seq so ties are stable everywhere. */
export function compareMessages (a: MessageRecord, b: MessageRecord): number {
  return a.timestamp - b.timestamp || (a.author < b.author ? -1 : a.author > b.author ? 1 : 0) || a.seq - b.seq
}

/** Default number of search results. */
export const SEARCH_LIMIT = 50

/** Lower case without accents, so "cafe" finds "Café". */
export function searchable (text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

/** Whether a message matches a query already passed through `searchable`. */
export function matchesSearch (message: MessageRecord, needle: string): boolean {
  // Only what people wrote: searching a name finds their messages, not the notices about them.
  return needle !== '' && isMessageKind(message.kind) &&
    (searchable(message.text).includes(needle) || searchable(message.name).includes(needle))
}

/** Newest first, for search results. */
export function newestFirst (a: MessageRecord, b: MessageRecord): number {
  return compareMessages(b, a)
}
