/**
 * One room: its history (from the store), its members and who is online, sending and receiving.
 * The room is where network frames become messages: every frame is opened (decrypt + verify),
 * checked against what is already stored (replays), decoded by kind, stored once, then shown.
 */
import { bytesToHex, hexToBytes } from '../bytes.js'
import { deriveRoomKeys } from '../crypto/room-keys.js'
import type { RoomKeys } from '../crypto/room-keys.js'
import { Emitter } from '../events.js'
import type { Identity } from '../identity/identity.js'
import {
  Kind, decodePresenceBody, decodeTextBody, encodePresenceBody, encodeTextBody, isStoredKind
} from '../protocol/bodies.js'
import { openFrame, sealFrame, signMessage } from '../protocol/envelope.js'
import type { SignedMessage } from '../protocol/envelope.js'
import type { Transport, Verdict } from '../net/transport.js'
import type { MemberRecord, MessageRecord, Store } from '../store/store.js'
import type { RoomCode } from './room-code.js'
import { PRESENCE_INTERVAL_MS, PRESENCE_MAX_SKEW_MS, PRESENCE_TIMEOUT_MS } from './constants.js'

/** A member as the UI shows them. */
export interface MemberView {
  readonly key: string
  readonly name: string
  readonly online: boolean
  readonly lastSeen: number
  readonly self: boolean
}

export interface RoomEvents extends Record<string, unknown> {
  /** A message was stored (sent by us or received). */
  message: MessageRecord
  /** One of our messages changed delivery state. */
  'message-state': MessageRecord
  /** The member list or someone's online state changed. */
  members: MemberView[]
  /** The number of connected peers in the room changed. */
  peers: number
  /** A frame was dropped; for diagnostics and tests. */
  rejected: { error: Error }
}

export interface RoomComponents {
  readonly identity: Identity
  readonly store: Store
  /** The user's current display name. */
  readonly displayName: () => string
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number
}

export class Room extends Emitter<RoomEvents> {
  readonly id: string
  readonly keys: RoomKeys
  private readonly self: string
  private readonly now: () => number
  private readonly memberRecords = new Map<string, MemberRecord>()
  /** Local receive time of each member's last presence or message, for "online". */
  private readonly lastHeard = new Map<string, number>()
  private readonly lastPresence = new Map<string, number>()
  private transport: Transport | undefined
  private peers = 0
  private heartbeat: ReturnType<typeof setInterval> | undefined
  private flushing: Promise<void> | undefined
  private flushAgain = false
  private started = false

  constructor (private readonly components: RoomComponents, readonly code: RoomCode) {
    super()
    this.keys = deriveRoomKeys(code)
    this.id = this.keys.id
    this.self = bytesToHex(components.identity.publicKey)
    this.now = components.now ?? Date.now
  }

  /** Loads members from the store. History is read on demand with `history()`. */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    for (const member of await this.components.store.listMembers(this.id)) {
      this.memberRecords.set(member.key, member)
    }
    this.heartbeat = setInterval(() => { void this.tick() }, PRESENCE_INTERVAL_MS)
  }

  /** Leaves the topic and says goodbye; history stays stored. */
  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    clearInterval(this.heartbeat)
    if (this.transport !== undefined) {
      await this.sendPresence(false).catch(() => {})
      this.transport.unsubscribe(this.keys.topic)
      this.transport = undefined
    }
  }

  /** Connects the room to a network; history and sending work before this, sending waits for it. */
  attach (transport: Transport): void {
    if (this.transport === transport) return
    this.transport = transport
    transport.subscribe(this.keys.topic, {
      rendezvous: this.keys.rendezvous,
      onFrame: async frame => await this.receive(frame),
      onPeers: count => { this.onPeers(count) }
    })
    this.onPeers(transport.peerCount(this.keys.topic))
  }

  /** Connected peers in this room right now. */
  get peerCount (): number {
    return this.peers
  }

  /** The newest `limit` messages, oldest first. */
  async history (limit = 200): Promise<MessageRecord[]> {
    return await this.components.store.latestMessages(this.id, limit)
  }

  /** Everyone seen in this room, the user first. */
  members (): MemberView[] {
    const now = this.now()
    const views: MemberView[] = [{
      key: this.self, name: this.components.displayName(), online: true, lastSeen: now, self: true
    }]
    for (const m of this.memberRecords.values()) {
      if (m.key === this.self) continue
      const heard = this.lastHeard.get(m.key)
      views.push({
        key: m.key,
        name: m.name,
        online: heard !== undefined && now - heard < PRESENCE_TIMEOUT_MS,
        lastSeen: m.lastSeen,
        self: false
      })
    }
    return views.sort((a, b) => Number(b.self) - Number(a.self) || Number(b.online) - Number(a.online) ||
      a.name.localeCompare(b.name))
  }

  /**
   * Sends a chat message. It is stored first, as `pending`, so it is never lost; it becomes
   * `sent` once handed to at least one peer, now or when the room is next reachable.
   */
  async send (text: string): Promise<MessageRecord> {
    const store = this.components.store
    const body = encodeTextBody({ name: this.components.displayName(), text })
    const seq = await store.nextSeq(this.id)
    const signed = signMessage(this.components.identity, this.keys.roomId,
      { kind: Kind.Text, seq, timestamp: this.now(), body })
    const record = toRecord(this.id, signed, this.now(), 'pending')
    await store.addMessage(record)
    await this.touch(record.timestamp)
    this.emit('message', record)
    await this.flushOutbox()
    const stillPending = (await store.pendingMessages(this.id)).some(m => m.seq === seq && m.author === this.self)
    return { ...record, state: stillPending ? 'pending' : 'sent' }
  }

  /**
   * Handles one frame from the network and tells the transport what to do with it.
   * Never throws: anything wrong with the frame becomes a verdict.
   */
  async receive (frame: Uint8Array): Promise<Verdict> {
    let message: SignedMessage
    try {
      message = openFrame(this.keys, frame)
    } catch (err) {
      this.emit('rejected', { error: err as Error })
      return 'reject'
    }
    const author = bytesToHex(message.author)
    if (author === this.self) return 'ignore' // our own, echoed back
    try {
      switch (message.kind) {
        case Kind.Text: return await this.receiveText(message, author)
        case Kind.Presence: return this.receivePresence(message, author)
        default:
          // A kind from a newer version: valid and signed, so pass it on, but nothing to show.
          return 'accept'
      }
    } catch (err) {
      this.emit('rejected', { error: err as Error })
      return 'reject'
    }
  }

  private async receiveText (message: SignedMessage, author: string): Promise<Verdict> {
    if (message.seq < 1) return 'reject'
    const body = decodeTextBody(message.body)
    const record = toRecord(this.id, message, this.now(), 'received', body)
    if (!await this.components.store.addMessage(record)) return 'ignore' // replay or duplicate
    await this.heard(author, body.name, true)
    await this.touch(record.timestamp)
    this.emit('message', record)
    return 'accept'
  }

  private receivePresence (message: SignedMessage, author: string): Verdict {
    const body = decodePresenceBody(message.body)
    // Presence is not stored, so replays are bounded by time instead of by sequence number.
    if (message.seq !== 0 || Math.abs(message.timestamp - this.now()) > PRESENCE_MAX_SKEW_MS) return 'ignore'
    if (message.timestamp <= (this.lastPresence.get(author) ?? 0)) return 'ignore'
    this.lastPresence.set(author, message.timestamp)
    this.heard(author, body.name, body.online).catch(err => { this.emit('rejected', { error: err as Error }) })
    return 'accept'
  }

  private async heard (key: string, name: string, online: boolean): Promise<void> {
    const now = this.now()
    if (online) this.lastHeard.set(key, now)
    else this.lastHeard.delete(key)
    const member = { roomId: this.id, key, name, lastSeen: now }
    this.memberRecords.set(key, member)
    this.emit('members', this.members())
    await this.components.store.putMember(member)
  }

  private onPeers (count: number): void {
    const grew = count > this.peers
    this.peers = count
    this.emit('peers', count)
    if (grew) {
      // Someone new is reachable: tell them who we are and send what waited.
      void this.sendPresence(true).catch(() => {})
      void this.flushOutbox()
    }
  }

  private async tick (): Promise<void> {
    this.emit('members', this.members())
    if (this.peers > 0) await this.sendPresence(true).catch(() => {})
  }

  private async sendPresence (online: boolean): Promise<void> {
    if (this.transport === undefined) return
    const body = encodePresenceBody({ name: this.components.displayName(), online })
    const signed = signMessage(this.components.identity, this.keys.roomId,
      { kind: Kind.Presence, seq: 0, timestamp: this.now(), body })
    await this.transport.publish(this.keys.topic, sealFrame(this.keys, signed))
  }

  /**
   * Sends every pending message of ours, oldest first. One flush runs at a time; a call during
   * a flush makes it go round once more, so a message stored meanwhile is not left behind.
   */
  private async flushOutbox (): Promise<void> {
    this.flushAgain = true
    if (this.flushing !== undefined) return await this.flushing
    this.flushing = (async () => {
      while (this.flushAgain) {
        this.flushAgain = false
        if (!await this.flushOnce()) return
      }
    })().finally(() => { this.flushing = undefined })
    await this.flushing
  }

  /** One pass over the outbox; false when nobody was reachable. */
  private async flushOnce (): Promise<boolean> {
    const transport = this.transport
    if (transport === undefined) return false
    const store = this.components.store
    for (const pending of await store.pendingMessages(this.id)) {
      const frame = sealFrame(this.keys, fromRecord(pending))
      const delivered = await transport.publish(this.keys.topic, frame).catch(() => 0)
      if (delivered === 0) return false // keep it, and the rest, for when someone is reachable
      await store.setMessageState(this.id, pending.author, pending.seq, 'sent')
      this.emit('message-state', { ...pending, state: 'sent' })
    }
    return true
  }

  private async touch (timestamp: number): Promise<void> {
    const store = this.components.store
    const room = await store.getRoom(this.id)
    if (room !== undefined && timestamp > room.lastActivity) {
      room.lastActivity = timestamp
      await store.putRoom(room)
    }
  }
}

function toRecord (roomId: string, message: SignedMessage, receivedAt: number,
  state: MessageRecord['state'], body = decodeTextBody(message.body)): MessageRecord {
  if (!isStoredKind(message.kind)) throw new TypeError(`kind ${message.kind} is not stored`)
  return {
    roomId,
    author: bytesToHex(message.author),
    seq: message.seq,
    kind: message.kind,
    timestamp: message.timestamp,
    receivedAt,
    body: message.body,
    signature: message.signature,
    name: body.name,
    text: body.text,
    state
  }
}

function fromRecord (record: MessageRecord): SignedMessage {
  return {
    kind: record.kind,
    author: hexToBytes(record.author),
    seq: record.seq,
    timestamp: record.timestamp,
    body: record.body,
    signature: record.signature
  }
}
