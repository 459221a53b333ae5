/**
 * One room: its history (from the store), its members and who is online, its epochs and keys,
 * sending and receiving. The room is where network frames become messages: every frame is
 * opened with its epoch's key, its sender's chain key and its author's signature, checked
 * against what is already held (replays), decoded by kind, stored once, then shown.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, fromUtf8, hexToBytes, utf8 } from '../bytes.js'
import { cryptoLoaded, loadCrypto } from '../crypto/lazy-crypto.js'
import { identitySecretToX25519, identityToX25519, openFrom, sealTo } from '../crypto/pairwise.js'
import { Emitter } from '../events.js'
import { RemovedMemberError } from '../errors.js'
import type { Identity } from '../identity/identity.js'
import {
  Kind, decodeKeyShareBody, decodePresenceBody, decodeRotateBody, decodeTextBody, encodeKeyShareBody,
  encodePresenceBody, encodeRotateBody, encodeTextBody, isChainedKind, isMessageKind, MAX_KEY_SHARE_ENTRIES, MAX_REMOVED
} from '../protocol/bodies.js'
import { decodeRoomNameBody, encodeMembershipBody, encodeReplyBody, encodeRoomNameBody } from '../protocol/conversation-bodies.js'
import type { MembershipAction } from '../protocol/conversation-bodies.js'
import { decodeFileBody, encodeFileBody } from '../protocol/file-body.js'
import type { FileBody } from '../protocol/file-body.js'
import type { RotateEntry } from '../protocol/bodies.js'
import { decodeSealedContactBody } from '../protocol/contact-bodies.js'
import {
  MAX_RECEIPT_AUTHORS, decodeDeleteBody, decodeEditBody, decodeReactionBody, decodeReceiptBody, decodeTypingBody,
  encodeDeleteBody, encodeEditBody, encodeReactionBody, encodeReceiptBody, encodeTypingBody
} from '../protocol/content-bodies.js'
import {
  Mode, chainedPayload, decodeSigned, encodeSigned, openChained, openFrame, plainPayload, sealFrame, signMessage,
  verifyMessage
} from '../protocol/envelope.js'
import type { Payload, SignedMessage, UnsignedMessage } from '../protocol/envelope.js'
import type { Transport, Verdict } from '../net/transport.js'
import type { MemberRecord, MessageRecord, RoomNaming, RoomRecord, Store } from '../store/store.js'
import { EpochBook } from './epochs.js'
import { asShown, fromRecord, toRecord } from './message-record.js'
import type { Epoch } from './epochs.js'
import { HistorySync } from './history-sync.js'
import { RoomActivity } from './activity.js'
import { applyDelete, applyEdit, applyReaction, tombstone } from './message-effects.js'
import { KeyBook } from './key-book.js'
import { renumberPending } from './own-numbering.js'
import { decodeSummary } from '../protocol/sync-bodies.js'
import { RateLimiter } from './rate-limiter.js'
import type { RateLimit } from './rate-limiter.js'
import { generateRoomCode, roomCodeFromSecret } from './room-code.js'
import type { RoomCode } from './room-code.js'
import {
  DEFAULT_RATE_LIMIT, KEY_SHARE_DEBOUNCE_MS, KEY_SHARE_WAIT_MS, MAX_WAITING_FRAMES, MEMBER_SAVE_EVERY_MS, NAMING_CLOCK_AHEAD_MS,
  WAITING_FRAME_TTL_MS
} from './constants.js'
import { heartbeatIntervalMs, presenceTimeoutMs } from './heartbeat.js'

/** A member as the UI shows them. */
export interface MemberView {
  readonly key: string
  readonly name: string
  readonly online: boolean
  readonly lastSeen: number
  readonly self: boolean
  /** Another key in this room uses the same name: people should compare fingerprints. */
  readonly nameClash: boolean
  /** Their chosen avatar colour (see avatar-colours.ts); 0 when none. */
  readonly colour: number
}

export interface RoomEvents extends Record<string, unknown> {
  /** A message was stored (sent by us or received). */
  message: MessageRecord
  /** One of our messages changed delivery state. */
  'message-state': MessageRecord
  /** A message was edited, deleted or reacted to. */
  'message-updated': MessageRecord
  /** A File message was deleted: its content (hex file id) is no longer to be kept or served. */
  'file-deleted': { fileId: string }
  /** Who is typing now (keys, hex). */
  typing: string[]
  /** How far each member has read: reader key -> author key -> highest seq read. */
  receipts: Map<string, Map<string, number>>
  /** The member list or someone's online state changed. */
  members: MemberView[]
  /** The number of connected peers in the room changed. */
  peers: number
  /** The room moved to a new epoch: a new code, without the removed members. */
  epoch: { number: number, code: RoomCode, removed: string[] }
  /** A rotation left us out: we are no longer a member. */
  removed: { by: string }
  /** The room has a new name (see `Room.rename`). */
  renamed: RoomNaming
  /** A contact request or reply went by (sealed: it may be for someone else). */
  contact: ContactSignal
  /** Our identity is in use on another device in this room right now (its session prekey, hex). */
  'other-device': { prekey: string }
  /** A pending message of ours moved to a new number (its old number was used by our other device). */
  'message-renumbered': { from: number, record: MessageRecord }
  /** A frame was dropped; for diagnostics and tests. */
  rejected: { error: Error }
}

/** A signed, still sealed contact request or reply, as received in a room. */
export interface ContactSignal {
  readonly kind: number
  /** The signed author, hex. */
  readonly author: string
  readonly body: Uint8Array
}

export interface RoomInit {
  /** Frames per member accepted; more are ignored. */
  rateLimit?: RateLimit
}

export interface RoomComponents {
  readonly identity: Identity
  readonly store: Store
  /** The user's current display name. */
  readonly displayName: () => string
  /** The user's chosen avatar colour (see avatar-colours.ts); 0 or absent: none. */
  readonly avatarColour?: () => number
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number
  /**
   * Whether this identity may be on another device too (it was exported or restored): then the
   * outbox waits for a peer's history summary before sending (own-numbering.ts).
   */
  readonly sharedIdentity?: () => boolean
}

interface WaitingFrame {
  readonly frame: Uint8Array
  readonly at: number
}

export class Room extends Emitter<RoomEvents> {
  /** Stable local id: from the code the room was first joined with. */
  readonly id: string
  private readonly self: string
  private readonly now: () => number
  private epochs: EpochBook
  private readonly keys: KeyBook
  private readonly sync: HistorySync
  private readonly activity: RoomActivity
  private readonly limiter: RateLimiter
  private readonly memberRecords = new Map<string, MemberRecord>()
  /** Local receive time of each member's last presence or message, for "online". */
  private readonly lastHeard = new Map<string, number>()
  /** When each member's record was last stored, by our clock (see `heard`). */
  private readonly savedLastSeen = new Map<string, number>()
  private readonly lastEphemeral = new Map<string, number>()
  /** Latest prekey each member announced in each epoch: where our chain goes. */
  private readonly prekeys = new Map<string, Uint8Array>()
  private readonly pendingShares = new Map<string, Set<string>>()
  private shareTimer: ReturnType<typeof setTimeout> | undefined
  /** Frames holding their verdict until their sender's key share arrives. */
  private readonly chainWaiters = new Map<string, Array<() => void>>()
  /** Chained frames from members whose key share has not arrived yet. */
  private waiting: WaitingFrame[] = []
  private transport: Transport | undefined
  private readonly topics = new Set<string>()
  private peers = 0
  private heartbeat: ReturnType<typeof setTimeout> | undefined
  private flushing: Promise<void> | undefined
  private flushAgain = false
  private started = false
  private removedAt: number | undefined
  /** The secret of the code the room was first joined with: its default title comes from it. */
  private readonly firstSecret: string
  /** The name its members gave the room, if any (see takeName). */
  private named: RoomNaming | undefined
  /** The latest name dated too far ahead of our clock, taken once its time is near (see takeName). */
  private namedLater: RoomNaming | undefined
  private namedLaterTimer: ReturnType<typeof setTimeout> | undefined
  /** Names are taken one at a time, so an older one never overwrites a newer. */
  private namingTurn: Promise<unknown> = Promise.resolve()
  /** The newest shown message's time, as stored in the room's record (see touch). */
  private lastActivity: number
  private lastAnnounced = 0
  private lastAsked = 0
  /**
   * The outbox waits for a first history summary from a peer this session: it says the highest
   * number of ours the room holds, which another device of ours may have used (own-numbering.ts).
   */
  private heardSummary = false
  /** Renumbering and sending take turns, so neither works on a list the other just changed. */
  private outboxTurn: Promise<unknown> = Promise.resolve()
  /** The highest number of ours a peer's summary listed: our other device may have used it. */
  private ownFloor = 0
  private readonly startedAt: number
  private readonly otherDevices = new Set<string>()

  constructor (private readonly components: RoomComponents, record: RoomRecord, init: RoomInit = {}) {
    super()
    this.id = record.id
    this.firstSecret = record.secret
    this.named = record.named
    this.namedLater = record.namedLater
    this.self = bytesToHex(components.identity.publicKey)
    this.now = components.now ?? Date.now
    this.epochs = new EpochBook(record.epochs ?? [{ number: 0, secret: record.secret }])
    const keys = this.keys = new KeyBook(components.identity.publicKey, this.now)
    this.limiter = new RateLimiter(init.rateLimit ?? DEFAULT_RATE_LIMIT, this.now)
    this.removedAt = record.removedAt
    this.lastActivity = record.lastActivity
    this.startedAt = this.now()
    this.activity = new RoomActivity(this.now, {
      typing: keys => { this.emit('typing', keys) },
      receipts: receipts => { this.emit('receipts', receipts) }
    })
    this.sync = new HistorySync({
      store: components.store,
      roomId: this.id,
      self: components.identity.publicKey,
      prekey: () => keys.prekey,
      knownAuthors: () => [this.self, ...this.memberRecords.keys()].filter((k, i, all) => all.indexOf(k) === i),
      online: () => this.onlineCount(),
      epochById: id => this.epochs.all().find(e => bytesToHex(e.epochId) === id),
      send: async (kind, body) => this.removed ? 0 : await this.sendPlain(this.epochs.current, kind, body),
      take: async (epoch, message) => await this.takeSynced(epoch, message),
      now: this.now
    })
  }

  /** The current epoch's code: what to share to invite someone now. */
  get code (): RoomCode {
    return this.epochs.current.code
  }

  /** The current epoch (topic, keys, number). */
  get epoch (): Epoch {
    return this.epochs.current
  }

  /** True once a rotation left us out of the room. */
  get removed (): boolean {
    return this.removedAt !== undefined
  }

  /** Loads members from the store. History is read on demand with `history()`. */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    for (const member of await this.components.store.listMembers(this.id)) {
      this.memberRecords.set(member.key, member)
    }
    this.scheduleTick()
    this.scheduleNamedLater()
  }

  /** Leaves the topics and says goodbye; history stays stored. */
  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    clearTimeout(this.heartbeat)
    clearTimeout(this.shareTimer)
    clearTimeout(this.namedLaterTimer)
    this.activity.stop()
    this.sync.stop()
    if (this.transport !== undefined) {
      await this.sendPresence(false).catch(() => {})
      for (const topic of this.topics) this.transport.unsubscribe(topic)
      this.topics.clear()
      this.transport = undefined
    }
  }

  /** Connects the room to a network; history and sending work before this, sending waits for it. */
  attach (transport: Transport): void {
    if (this.transport === transport) return
    // Every frame is sealed or opened with the lazily loaded crypto: the room joins the network once it is here.
    if (!cryptoLoaded()) {
      void loadCrypto().then(() => { this.attach(transport) })
      return
    }
    this.transport = transport
    this.followEpochs()
  }

  /** Connected peers in the room's current epoch right now. */
  get peerCount (): number {
    return this.peers
  }

  /** The newest `limit` messages and notices, oldest first. */
  async history (limit = 200): Promise<MessageRecord[]> {
    // Edits, deletions and reactions are stored as messages too, but shown through their targets.
    const records = await this.components.store.latestMessages(this.id, limit * 3)
    return records.filter(m => isShownKind(m.kind) && this.showsNow(m)).slice(-limit).flatMap(m => this.asShownHere(m) ?? [])
  }

  /** Everyone seen in this room, the user first. */
  members (): MemberView[] {
    const now = this.now()
    const timeout = presenceTimeoutMs(this.onlineCount())
    const selfName = this.components.displayName()
    const names = new Map<string, number>()
    const count = (name: string): void => { names.set(name.toLowerCase(), (names.get(name.toLowerCase()) ?? 0) + 1) }
    count(selfName)
    for (const m of this.memberRecords.values()) if (m.key !== this.self) count(m.name)
    const clash = (name: string): boolean => (names.get(name.toLowerCase()) ?? 0) > 1
    const views: MemberView[] = [{
      key: this.self, name: selfName, online: !this.removed, lastSeen: now, self: true, nameClash: clash(selfName),
      colour: this.components.avatarColour?.() ?? 0
    }]
    for (const m of this.memberRecords.values()) {
      if (m.key === this.self) continue
      const heard = this.lastHeard.get(m.key)
      views.push({
        key: m.key,
        name: m.name,
        online: heard !== undefined && now - heard < timeout,
        lastSeen: m.lastSeen,
        self: false,
        nameClash: clash(m.name),
        colour: m.colour ?? 0
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
    return await this.sendStored(Kind.Text, encodeTextBody({ name: this.components.displayName(), text }))
  }

  /** Sends a chat message that quotes message `seq` of `author` (which need not be held here). */
  async reply (author: string, seq: number, text: string): Promise<MessageRecord> {
    return await this.sendStored(Kind.Reply, encodeReplyBody({
      targetAuthor: hexToBytes(author), targetSeq: seq, name: this.components.displayName(), text
    }))
  }

  /**
   * Puts "joined" or "left" in the room's log, for everyone, in order with the messages. The
   * client sends it once when the room is first joined and when the user leaves it.
   */
  async announceMembership (action: MembershipAction): Promise<MessageRecord> {
    return await this.sendStored(Kind.Membership, encodeMembershipBody({ action, name: this.components.displayName() }))
  }

  /** What the room is called: the name its members gave it, or "Room" and its code's first group. */
  get title (): string {
    return roomTitle({ secret: this.firstSecret, named: this.named })
  }

  /** The room's name as its members last set it, if they did. */
  get naming (): RoomNaming | undefined {
    return this.named
  }

  /**
   * Names the room for every member (an empty name goes back to the default title). Any member
   * may; the latest name holds. Like a message, it waits in the outbox while nobody is reachable.
   * @throws RangeError when the name is longer than 64 UTF-8 bytes once its spaces are tidied
   */
  async rename (name: string): Promise<void> {
    const body = encodeRoomNameBody({ name: tidyRoomName(name) })
    // After the name it has, even one dated a little ahead by another member's clock.
    await this.sendStored(Kind.RoomName, body, Math.max(this.now(), (this.named?.at ?? 0) + 1))
  }

  /** Tells the room about us again now (after a change of name or colour), not at the next heartbeat. */
  async announce (): Promise<void> {
    await this.sendPresence(true)
  }

  /**
   * Sends a file message; its content must already be sealed and held (`FileTransfers.prepare`),
   * so peers can fetch it directly. Stored first, like a text.
   */
  async sendFile (file: Omit<FileBody, 'name'>): Promise<MessageRecord> {
    return await this.sendStored(Kind.File, encodeFileBody({ ...file, name: this.components.displayName() }))
  }

  /** Replaces the text of one of our own messages, on every member's device. */
  async edit (seq: number, text: string): Promise<void> {
    await this.requireOwn(seq, true)
    await this.sendStored(Kind.Edit, encodeEditBody({ target: seq, text }))
  }

  /** Deletes one of our own messages on every member's device, leaving a tombstone. */
  async deleteMessage (seq: number): Promise<void> {
    await this.requireOwn(seq)
    await this.sendStored(Kind.Delete, encodeDeleteBody({ target: seq }))
  }

  /** Turns our `emoji` reaction to a message on or off. */
  async react (author: string, seq: number, emoji: string, on: boolean): Promise<void> {
    await this.sendStored(Kind.Reaction, encodeReactionBody({ author: hexToBytes(author), target: seq, on, emoji }))
  }

  /** Tells the room we are typing (or stopped). Ephemeral: dropped when nobody is reachable. */
  async setTyping (on: boolean): Promise<void> {
    await this.sendEphemeral(Kind.Typing, encodeTypingBody({ on }))
  }

  /**
   * Tells the room how far we have read: for each author, the highest message we hold. The UI
   * calls this when the conversation is on screen. Ephemeral, like typing.
   */
  async markRead (): Promise<void> {
    const readUpTo = []
    for (const author of [...this.memberRecords.keys()].slice(0, MAX_RECEIPT_AUTHORS)) {
      if (author === this.self) continue
      const head = await this.components.store.authorHead(this.id, author)
      if (head.maxSeq > 0) readUpTo.push({ author: hexToBytes(author), seq: head.maxSeq })
    }
    if (readUpTo.length > 0) await this.sendEphemeral(Kind.Receipt, encodeReceiptBody({ readUpTo }))
  }

  /** Who has read our message `seq`: the keys of members whose receipts reach it. */
  seenBy (seq: number): string[] {
    return [...this.activity.receipts].filter(([, upTo]) => (upTo.get(this.self) ?? 0) >= seq).map(([reader]) => reader)
  }

  /**
   * Stores one of our messages first, as `pending`, so it is never lost; it becomes `sent` once
   * handed to at least one peer, now or when the room is next reachable.
   */
  private async sendStored (kind: number, body: Uint8Array, timestamp = this.now()): Promise<MessageRecord> {
    if (this.removed) throw new Error('You were removed from this room')
    const store = this.components.store
    // Above every number of ours held here, also those our other device used (seen by sync).
    const seq = await store.nextSeq(this.id, Math.max(this.ownFloor, (await store.authorHead(this.id, this.self)).maxSeq))
    const epoch = this.epochs.current
    const signed = await signMessage(this.components.identity, epoch.epochId, { kind, seq, timestamp, body })
    const record = this.withAuthorName(toRecord(this.id, epoch, signed, this.now(), 'pending'))
    await store.addMessage(record)
    if (isEffectKind(kind)) await this.applyEffect(signed, this.self)
    if (isShownKind(kind) && this.showsNow(record)) {
      this.touch(activityTime(record))
      this.emit('message', record)
    }
    await this.flushOutbox()
    const stillPending = (await store.pendingMessages(this.id)).some(m => m.seq === seq && m.author === this.self)
    return { ...record, state: stillPending ? 'pending' : 'sent' }
  }

  /** Sends an ephemeral message on our chain (typing, receipts); not stored, not retried. */
  private async sendEphemeral (kind: number, body: Uint8Array): Promise<void> {
    if (this.removed || this.transport === undefined || this.peers === 0) return
    const epoch = this.epochs.current
    const signed = await signMessage(this.components.identity, epoch.epochId, { kind, seq: 0, timestamp: this.now(), body })
    const chain = this.keys.ownChain(epoch)
    const { index, messageKey } = chain.next()
    await this.publish(epoch, chainedPayload(signed, chain.chainId, index, messageKey)).catch(() => 0)
  }

  private async requireOwn (seq: number, forEdit = false): Promise<void> {
    const target = await this.components.store.getMessage(this.id, this.self, seq)
    if (target === undefined || !isMessageKind(target.kind) || (forEdit && target.kind === Kind.File)) throw new RangeError(`No message of yours with number ${seq}`)
    if (target.deleted === true) throw new RangeError('That message was deleted')
  }

  /**
   * Makes `naming` the room's name if it is later than the one it has (see RoomNaming). One dated
   * too far ahead of our clock waits, stored, until its time is near: every member then ends up
   * with the same name, whenever their clocks let them take it.
   */
  private async takeName (naming: RoomNaming): Promise<void> {
    const turn = this.namingTurn.then(async () => {
      const store = this.components.store
      if (naming.at > this.now() + NAMING_CLOCK_AHEAD_MS) {
        if (this.namedLater !== undefined && !isNamedAfter(naming, this.namedLater)) return
        this.namedLater = naming
        await store.updateRoom(this.id, { namedLater: naming })
        this.scheduleNamedLater()
        return
      }
      if (this.named !== undefined && !isNamedAfter(naming, this.named)) return
      this.named = naming
      await store.updateRoom(this.id, { named: naming })
      this.emit('renamed', naming)
    })
    this.namingTurn = turn.catch(() => {})
    await turn
  }

  /** Takes the name that was dated too far ahead once its time is near (checked at least hourly). */
  private scheduleNamedLater (): void {
    clearTimeout(this.namedLaterTimer)
    const later = this.namedLater
    if (later === undefined || !this.started) return
    const wait = Math.min(later.at - NAMING_CLOCK_AHEAD_MS - this.now(), 60 * 60_000)
    this.namedLaterTimer = setTimeout(() => {
      if (later.at > this.now() + NAMING_CLOCK_AHEAD_MS) {
        this.scheduleNamedLater()
        return
      }
      this.namedLater = undefined
      void this.components.store.updateRoom(this.id, { namedLater: undefined })
        .then(async () => { await this.takeName(later) })
        .catch(err => { this.emit('rejected', { error: err as Error }) })
    }, Math.max(0, wait))
  }

  /** Applies an edit, deletion or reaction to the message it refers to, or a name to the room. */
  private async applyEffect (message: SignedMessage, author: string): Promise<void> {
    const store = this.components.store
    let targetAuthor = author
    let targetSeq: number
    let change: (target: MessageRecord) => MessageRecord | undefined
    switch (message.kind) {
      case Kind.Edit: {
        const edit = decodeEditBody(message.body)
        targetSeq = edit.target
        change = target => applyEdit(target, message, edit.text)
        break
      }
      case Kind.Delete: {
        targetSeq = decodeDeleteBody(message.body).target
        change = applyDelete
        const held = await store.getMessage(this.id, author, targetSeq)
        if (held === undefined) {
          // Deleted before it reached us: keep the slot, so the original is never taken later.
          const epoch = bytesToHex(this.epochs.current.epochId)
          await store.addMessage(tombstone({ roomId: this.id, author, epoch, timestamp: message.timestamp, receivedAt: this.now() }, targetSeq))
          return
        }
        break
      }
      case Kind.Reaction: {
        const reaction = decodeReactionBody(message.body)
        targetAuthor = bytesToHex(reaction.author)
        targetSeq = reaction.target
        change = target => applyReaction(target, author, reaction.emoji, reaction.on)
        break
      }
      case Kind.RoomName:
        await this.takeName({ name: decodeRoomNameBody(message.body).name, at: message.timestamp, by: author, seq: message.seq })
        return
      default:
        return
    }
    const target = await store.getMessage(this.id, targetAuthor, targetSeq)
    // Only messages are targets (files are not edited); an edit or deletion only ever names its
    // author's own.
    if (target === undefined || !isMessageKind(target.kind) || (message.kind === Kind.Edit && target.kind === Kind.File)) return
    const updated = change(target)
    if (updated === undefined) return
    await store.replaceMessage(updated)
    this.emit('message-updated', updated)
    if (updated.deleted === true && target.kind === Kind.File) this.emit('file-deleted', { fileId: bytesToHex(decodeFileBody(target.body).fileId) })
  }

  /**
   * Starts a new epoch with a new code, sealed to every known member except `remove`. Those
   * removed (and anyone who only ever had an older code) cannot read anything from then on.
   */
  async rotate (remove: string[] = []): Promise<void> {
    await loadCrypto()
    if (this.removed) throw new Error('You were removed from this room')
    if (remove.includes(this.self)) throw new RangeError('To leave a room, leave it; you cannot remove yourself')
    if (remove.length > MAX_REMOVED) throw new RangeError(`At most ${MAX_REMOVED} members can be removed at once`)
    const parent = this.epochs.current
    const code = generateRoomCode()
    const number = parent.number + 1
    // Ourselves too: another device of ours opens the new code with the same identity key.
    const recipients = [this.self, ...[...this.memberRecords.keys()].filter(k => k !== this.self && !remove.includes(k))]
    const entries: RotateEntry[] = recipients.map(key => {
      const recipient = hexToBytes(key)
      const box = sealTo(identityToX25519(recipient), utf8(code.secret), rotateContext(parent, this.components.identity.publicKey, recipient, number))
      return { recipient, ephemeral: box.ephemeral, ciphertext: box.ciphertext }
    })
    const signed = await signMessage(this.components.identity, parent.epochId, {
      kind: Kind.Rotate, seq: 0, timestamp: this.now(), body: encodeRotateBody({ epoch: number, removed: remove.map(hexToBytes), entries })
    })
    const data = encodeSigned(signed)
    await this.publish(parent, plainPayload(signed))
    await this.adoptEpoch({
      number,
      secret: code.secret,
      rotation: { author: this.self, removed: remove, digest: bytesToHex(sha256(data)), parent: parent.tagHex, signed: data }
    })
  }

  /**
   * Publishes a contact request or reply (already sealed to its recipient) in this room.
   * Ephemeral: resolves with how many peers it reached, 0 when nobody was reachable.
   */
  async sendContactSignal (kind: typeof Kind.ContactRequest | typeof Kind.ContactReply, body: Uint8Array): Promise<number> {
    if (this.removed || this.transport === undefined || this.peers === 0) return 0
    return await this.sendPlain(this.epochs.current, kind, body).catch(() => 0)
  }

  /** Removes a member: a rotation that leaves them out. */
  async removeMember (key: string): Promise<void> {
    await this.rotate([key])
  }

  /**
   * Handles one frame from the network and tells the transport what to do with it.
   * Never throws: anything wrong with the frame becomes a verdict.
   */
  async receive (frame: Uint8Array): Promise<Verdict> {
    let epoch: Epoch
    let payload: Payload
    try {
      ({ keys: epoch, payload } = openFrame(frame, tag => this.epochs.byTag(tag)))
    } catch (err) {
      this.emit('rejected', { error: err as Error })
      return 'reject'
    }
    const author = bytesToHex(payload.author)
    // Our own frame echoed back; but frames of ours on a sender chain that is not ours come from
    // another device with our identity, and plain ones are checked by kind (presence: prekey).
    if (author === this.self && payload.mode !== Mode.Plain && bytesToHex(payload.chainId) === bytesToHex(this.keys.ownChain(epoch).chainId)) return 'ignore'
    // A removed member still holds the old epochs' keys; nothing of theirs is taken any more.
    if (this.epochs.removedMembers().has(author)) {
      this.emit('rejected', { error: new RemovedMemberError() })
      return 'reject'
    }
    try {
      if (payload.mode === Mode.Plain) return await this.receivePlain(epoch, payload, author)
      return await this.receiveChained(epoch, payload, author, frame)
    } catch (err) {
      this.emit('rejected', { error: err as Error })
      return 'reject'
    }
  }

  private async receivePlain (epoch: Epoch, payload: Payload, author: string): Promise<Verdict> {
    const message = await openSigned(payload.data, payload.author, epoch)
    if (!this.limiter.take(author)) return 'ignore'
    switch (message.kind) {
      case Kind.Presence: return this.receivePresence(epoch, message, author)
      case Kind.KeyShare: return await this.receiveKeyShare(epoch, message, author)
      case Kind.Rotate: return await this.receiveRotate(epoch, message, author)
      case Kind.SyncSummary:
        await this.sync.onSummary(message.author, message.body)
        // Not awaited: it waits for the outbox's turn, which may be publishing to the sender now.
        if (epoch === this.epochs.current) this.afterSummary(message.body).catch(err => { this.emit('rejected', { error: err as Error }) })
        return 'accept'
      case Kind.SyncRequest:
        await this.sync.onRequest(message.author, message.body)
        return 'accept'
      case Kind.SyncData:
        await this.sync.onData(message.body)
        return 'accept'
      case Kind.ContactRequest:
      case Kind.ContactReply:
        decodeSealedContactBody(message.body) // the shape any member can check before passing it on
        if (!this.freshEphemeral(message, author)) return 'ignore'
        this.emit('contact', { kind: message.kind, author, body: message.body })
        return 'accept'
      default:
        if (isChainedKind(message.kind)) return 'reject' // content must travel on a sender chain
        return 'accept' // a kind from a newer version: signed and valid, so pass it on
    }
  }

  private async receiveChained (epoch: Epoch, payload: Payload, author: string, frame: Uint8Array): Promise<Verdict> {
    let chain = this.keys.receiver(epoch, payload.author, payload.chainId)
    if (chain === undefined) {
      // Its key share may be on its way, or was lost, or the sender never saw our prekey: ask for
      // keys and hold the verdict for a moment, so the frame is checked, and passed on to the
      // members behind us, as soon as we can read it.
      this.askForKeys()
      chain = await this.chainArrival(epoch, payload.author, payload.chainId)
      if (chain === undefined) {
        this.wait(frame) // still readable later, here, if the share comes
        return 'ignore'
      }
    }
    const key = chain.take(payload.index)
    if (key === undefined) return 'ignore' // already read (a replay), or from before we joined
    let message: SignedMessage
    try {
      const signed = openChained(payload, key)
      // Only a holder of this sender's chain gets this far, so the rate limit is charged here,
      // before the costly signature check, and cannot be drained by strangers.
      if (!this.limiter.take(author)) {
        chain.restore(payload.index, key)
        return 'ignore'
      }
      message = await openSigned(signed, payload.author, epoch)
    } catch (err) {
      chain.restore(payload.index, key) // a forgery must not burn the honest message's key
      throw err
    }
    switch (message.kind) {
      case Kind.Text:
      case Kind.Reply:
      case Kind.Membership:
      case Kind.File: return await this.receiveText(epoch, message, author)
      case Kind.Edit:
      case Kind.Delete:
      case Kind.Reaction:
      case Kind.RoomName: return await this.receiveEffect(epoch, message)
      case Kind.Typing:
        if (message.seq !== 0) return 'reject'
        this.activity.typing(author, decodeTypingBody(message.body).on)
        return 'accept'
      case Kind.Receipt:
        if (message.seq !== 0) return 'reject'
        this.activity.receipt(author, decodeReceiptBody(message.body))
        return 'accept'
      default: return 'accept' // a kind from a newer version: signed and valid, so pass it on
    }
  }

  private async receiveText (epoch: Epoch, message: SignedMessage, author: string): Promise<Verdict> {
    if (message.seq < 1) return 'reject'
    const own = author === this.self // from our other device
    const record = toRecord(this.id, epoch, message, this.now(), own ? 'sent' : 'received')
    if (!await this.components.store.addMessage(record)) {
      if (own) this.onOwnConflict(record).catch(err => { this.emit('rejected', { error: err as Error }) }) // not awaited, as afterSummary
      return 'ignore' // replay or duplicate
    }
    this.activity.typing(author, false)
    if (!own) await this.heard(author, record.name, record.membership !== 'left')
    this.touch(record.timestamp)
    this.emit('message', record)
    return 'accept'
  }

  private async receiveEffect (epoch: Epoch, message: SignedMessage): Promise<Verdict> {
    if (message.seq < 1) return 'reject'
    const author = bytesToHex(message.author)
    // Decoding first: a malformed body is rejected before anything is stored.
    if (message.kind === Kind.Edit) decodeEditBody(message.body)
    if (message.kind === Kind.Delete) decodeDeleteBody(message.body)
    if (message.kind === Kind.Reaction) decodeReactionBody(message.body)
    if (message.kind === Kind.RoomName) decodeRoomNameBody(message.body)
    const own = author === this.self // from our other device
    const record = this.withAuthorName(toRecord(this.id, epoch, message, this.now(), own ? 'sent' : 'received'))
    if (!await this.components.store.addMessage(record)) {
      if (own) this.onOwnConflict(record).catch(err => { this.emit('rejected', { error: err as Error }) }) // not awaited, as afterSummary
      return 'ignore'
    }
    await this.applyEffect(message, author)
    if (isShownKind(message.kind) && this.showsNow(record)) {
      this.touch(activityTime(record))
      this.emit('message', record)
    }
    return 'accept'
  }

  private receivePresence (epoch: Epoch, message: SignedMessage, author: string): Verdict {
    const body = decodePresenceBody(message.body)
    if (author === this.self) {
      const prekey = bytesToHex(body.prekey)
      if (prekey === bytesToHex(this.keys.prekey.publicKey)) return 'ignore' // our own, echoed back
      // A presence of ours from before this session is a replay, not another device.
      if (message.timestamp < this.startedAt - OTHER_DEVICE_SLACK_MS) return 'ignore'
      if (!this.otherDevices.has(prekey)) {
        this.otherDevices.add(prekey)
        this.emit('other-device', { prekey })
      }
    }
    if (!this.freshEphemeral(message, author)) return 'ignore'
    this.prekeys.set(`${epoch.tagHex}/${author}/${bytesToHex(body.prekey)}`, body.prekey)
    if (author !== this.self) this.heard(author, body.name, body.online, body.colour ?? 0).catch(err => { this.emit('rejected', { error: err as Error }) })
    if (body.online) {
      if (epoch === this.epochs.current && this.keys.needsShare(epoch, message.author, body.prekey, body.wantsKeys === true)) this.queueShare(epoch, `${author}/${bytesToHex(body.prekey)}`)
      this.resendRotationsTo(epoch, author)
    }
    return 'accept'
  }

  private async receiveKeyShare (epoch: Epoch, message: SignedMessage, author: string): Promise<Verdict> {
    const entries = decodeKeyShareBody(message.body)
    // No freshness check: a replayed share can only re-install a chain we already hold.
    if (this.keys.acceptShare(epoch, message.author, entries)) {
      for (const wake of this.chainWaiters.get(author) ?? []) wake()
      this.chainWaiters.delete(author)
      await this.retryWaiting(author)
    }
    return 'accept'
  }

  /** Resolves with the sender chain once its share arrives, or undefined after a while. */
  private async chainArrival (epoch: Epoch, author: Uint8Array, chainId: Uint8Array): Promise<ReturnType<KeyBook['receiver']>> {
    const key = bytesToHex(author)
    await new Promise<void>(resolve => {
      const timer = setTimeout(done, KEY_SHARE_WAIT_MS)
      const waiters = this.chainWaiters.get(key) ?? []
      this.chainWaiters.set(key, waiters)
      waiters.push(done)
      function done (): void {
        clearTimeout(timer)
        resolve()
      }
    })
    return this.keys.receiver(epoch, author, chainId)
  }

  private async receiveRotate (epoch: Epoch, message: SignedMessage, author: string): Promise<Verdict> {
    const body = decodeRotateBody(message.body)
    if (body.epoch !== epoch.number + 1) return 'reject'
    if (epoch.rotation?.removed.includes(author) === true) return 'reject' // removed members cannot rotate back in
    const data = encodeSigned(message)
    const digest = bytesToHex(sha256(data))
    if (this.epochs.all().some(e => e.rotation?.digest === digest)) return 'ignore' // seen it
    const removed = body.removed.map(bytesToHex)
    const mine = body.entries.find(e => bytesToHex(e.recipient) === this.self)
    if (author === this.self && mine === undefined) return 'ignore' // our other device, from an older version
    if (mine === undefined || removed.includes(this.self)) {
      await this.markRemoved(author)
      return 'accept'
    }
    const secret = fromUtf8(openFrom(identitySecretToX25519(this.components.identity.secretKey), mine,
      rotateContext(epoch, message.author, this.components.identity.publicKey, body.epoch)))
    await this.adoptEpoch({
      number: body.epoch,
      secret: roomCodeFromSecret(secret).secret,
      rotation: { author, removed, digest, parent: epoch.tagHex, signed: data }
    })
    return 'accept'
  }

  /** Adds an epoch; if it wins, moves the room to it (and keeps our removals if ours lost). */
  private async adoptEpoch (stored: Parameters<EpochBook['add']>[0]): Promise<void> {
    const before = this.epochs.current
    const changed = this.epochs.add(stored)
    await this.persistEpochs()
    if (!changed) {
      await this.reassertRemovals(stored)
      return
    }
    const current = this.epochs.current
    this.emit('epoch', { number: current.number, code: current.code, removed: current.rotation?.removed ?? [] })
    if (before.rotation?.author === this.self && before.number === current.number) await this.reassertRemovals(before)
    this.followEpochs()
    void this.flushOutbox()
  }

  /**
   * When our rotation lost to a concurrent one that kept someone we removed, we rotate again
   * from the winner, so a removal is never silently undone.
   */
  private async reassertRemovals (lost: { rotation?: { author: string, removed: string[] } }): Promise<void> {
    if (lost.rotation?.author !== this.self) return
    const winner = this.epochs.current
    const kept = lost.rotation.removed.filter(k => !(winner.rotation?.removed ?? []).includes(k))
    if (kept.length > 0 && !this.removed) await this.rotate(kept)
  }

  private async markRemoved (by: string): Promise<void> {
    if (this.removedAt !== undefined) return
    this.removedAt = this.now()
    await this.components.store.updateRoom(this.id, { removedAt: this.removedAt })
    this.emit('removed', { by })
    this.emit('members', this.members())
  }

  private async persistEpochs (): Promise<void> {
    await this.components.store.updateRoom(this.id, { epochs: this.epochs.toStored() })
  }

  /** Subscribes to the current epoch's topic and its parent's (where late members still arrive). */
  private followEpochs (): void {
    const transport = this.transport
    if (transport === undefined) return
    const current = this.epochs.current
    const parent = this.epochs.all().find(e => e.tagHex === current.rotation?.parent)
    const wanted = new Map([[current.topic, current], ...(parent !== undefined ? [[parent.topic, parent] as const] : [])])
    for (const topic of this.topics) {
      if (!wanted.has(topic)) {
        transport.unsubscribe(topic)
        this.topics.delete(topic)
      }
    }
    for (const [topic, epoch] of wanted) {
      if (this.topics.has(topic)) continue
      this.topics.add(topic)
      // Whoever is on a topic we just joined is new to us there: counting from zero makes us greet
      // them (presence, so they share their keys with us and we ours with them). Counting on from
      // the old topic could see no growth, and each side would wait for the other's greeting.
      if (epoch === this.epochs.current) this.peers = 0
      let peersHere = 0
      transport.subscribe(topic, {
        rendezvous: epoch.rendezvous,
        onFrame: async frame => await this.receive(frame),
        onPeers: count => {
          const grew = count > peersHere
          peersHere = count
          if (epoch === this.epochs.current) this.onPeers()
          // Members still on the older epoch (back from a partition, or away during a rotation):
          // hand them how we got to our epoch, so they can follow or, if they rotated too, resolve.
          else if (grew) this.announceEpochTo(epoch)
        }
      })
    }
    this.onPeers()
  }

  /** Publishes, on an older epoch's topic, the rotation that leads from it towards ours. */
  private announceEpochTo (older: Epoch): void {
    for (const child of this.epochs.childrenOf(older.tagHex)) {
      if (child.rotation?.signed === undefined) continue
      void this.publish(older, plainPayload(decodeSigned(child.rotation.signed))).catch(() => {})
    }
  }

  private onPeers (): void {
    const count = this.transport?.peerCount(this.epochs.current.topic) ?? 0
    const grew = count > this.peers
    this.peers = count
    // Cut off from everyone: our other device may write meanwhile, so wait for a new summary.
    if (count === 0) this.heardSummary = false
    this.emit('peers', count)
    if (grew) {
      // Someone new is reachable: tell them who we are (and our prekey), and send what waited.
      // A first message can be lost while the connection settles, so say it once more shortly.
      void this.sendPresence(true).catch(() => {})
      setTimeout(() => { this.announceSoon() }, 1_000)
      // and compare histories, once the newcomer knows who we are; twice, as the first
      // messages on a new connection can be lost
      setTimeout(() => { void this.sync.announce(true).catch(() => {}) }, 300)
      setTimeout(() => { void this.sync.announce(true).catch(() => {}) }, 2_500)
      void this.flushOutbox()
    }
  }

  /** Sends our presence (with our prekey) unless we did within the last second. */
  private announceSoon (): void {
    const now = this.now()
    if (now - this.lastAnnounced < 1_000) return
    this.lastAnnounced = now
    void this.sendPresence(true).catch(() => {})
  }

  /** Announces ourselves asking members to share their chains again, at most once a second. */
  private askForKeys (): void {
    const now = this.now()
    if (now - this.lastAsked < 1_000) return
    this.lastAsked = now
    void this.sendPresence(true, true).catch(() => {})
  }

  /**
   * The next heartbeat, at a random point between 0.75 and 1.25 intervals: members who joined
   * together (or came back with the network) must not all announce themselves at the same moment.
   */
  private scheduleTick (): void {
    this.heartbeat = setTimeout(() => {
      this.scheduleTick()
      void this.tick()
    }, heartbeatIntervalMs(this.onlineCount()) * (0.75 + Math.random() / 2))
  }

  /** Members online, ourselves included: those heard from within the presence timeout. */
  private onlineCount (): number {
    const now = this.now()
    const heard = [...this.lastHeard.values()]
    const timeout = presenceTimeoutMs(heard.length + 1)
    return 1 + heard.filter(at => now - at < timeout).length
  }

  private async tick (): Promise<void> {
    this.emit('members', this.members())
    this.waiting = this.waiting.filter(w => this.now() - w.at < WAITING_FRAME_TTL_MS)
    // Frames still waiting for a key share: ask again (the first ask, or the share, may be lost).
    if (this.peers > 0) await this.sendPresence(true, this.waiting.length > 0).catch(() => {})
    // A safety net: histories are compared on every meeting, and on every heartbeat besides
    // (a summary is a few dozen bytes per author).
    if (this.peers > 0) await this.sync.announce().catch(() => {})
  }

  /** Stores a message that came by history sync (already verified); true when it was new. */
  private async takeSynced (epoch: Epoch, message: SignedMessage): Promise<boolean> {
    const author = bytesToHex(message.author)
    // The rule for live frames holds here too: once we know of a removal, nothing more of the
    // removed member's is taken, not even when a member who had not heard of it passes it on.
    if (this.epochs.removedMembers().has(author)) return false
    const record = this.withAuthorName(toRecord(this.id, epoch, message, this.now(), author === this.self ? 'sent' : 'received'))
    if (!await this.components.store.addMessage(record)) return false
    if (isEffectKind(message.kind)) await this.applyEffect(message, author)
    if (!isShownKind(message.kind) || !this.showsNow(record)) return true
    // A message or membership notice names its author (a room naming does not).
    if (author !== this.self && !this.memberRecords.has(author) && message.kind !== Kind.RoomName) {
      const member = { roomId: this.id, key: author, name: record.name, lastSeen: record.timestamp }
      this.memberRecords.set(author, member)
      await this.components.store.putMember(member)
      this.emit('members', this.members())
    }
    this.touch(activityTime(record))
    this.emit('message', record)
    return true
  }

  private async sendPresence (online: boolean, wantsKeys = false): Promise<void> {
    if (this.transport === undefined || this.removed) return
    const name = this.components.displayName()
    if (name === '' || (online && !this.started)) return
    this.lastAnnounced = this.now()
    await this.sendPlain(this.epochs.current, Kind.Presence, encodePresenceBody({
      name, online, prekey: this.keys.prekey.publicKey, wantsKeys, colour: this.components.avatarColour?.() ?? 0
    }))
  }

  /** Queues our chain for `member/prekey` (one member may have several devices). */
  private queueShare (epoch: Epoch, member: string): void {
    let set = this.pendingShares.get(epoch.tagHex)
    if (set === undefined) this.pendingShares.set(epoch.tagHex, set = new Set())
    set.add(member)
    if (this.shareTimer !== undefined) return // goes with the others gathered when it fires
    // The first goes at once: a newcomer's first message cannot be read until it does. Those
    // that follow within KEY_SHARE_DEBOUNCE_MS (everyone's presence, when we are the newcomer)
    // are gathered into as few shares as fit.
    const flush = (): void => { void this.flushShares().catch(err => { this.emit('rejected', { error: err as Error }) }) }
    queueMicrotask(flush)
    this.shareTimer = setTimeout(() => {
      this.shareTimer = undefined
      if (this.pendingShares.size > 0) flush()
    }, KEY_SHARE_DEBOUNCE_MS)
  }

  /** Sends our chain to every member queued, in as few key-share messages as fit. */
  private async flushShares (): Promise<void> {
    for (const [tagHex, members] of this.pendingShares) {
      this.pendingShares.delete(tagHex)
      const epoch = this.epochs.all().find(e => e.tagHex === tagHex)
      if (epoch === undefined) continue
      const targets = [...members].flatMap(device => {
        const prekey = this.prekeys.get(`${tagHex}/${device}`)
        return prekey === undefined ? [] : [{ key: hexToBytes(device.split('/')[0]), prekey }]
      })
      for (let i = 0; i < targets.length; i += MAX_KEY_SHARE_ENTRIES) {
        const entries = this.keys.shareWith(epoch, targets.slice(i, i + MAX_KEY_SHARE_ENTRIES))
        await this.sendPlain(epoch, Kind.KeyShare, encodeKeyShareBody(entries))
      }
    }
  }

  /** A member who was away arrives on an older epoch: hand them the rotations that include them. */
  private resendRotationsTo (epoch: Epoch, member: string): void {
    for (const child of this.epochs.childrenOf(epoch.tagHex)) {
      const rotation = child.rotation
      if (rotation?.signed === undefined || rotation.removed.includes(member)) continue
      const signed = decodeSigned(rotation.signed)
      void this.publish(epoch, plainPayload(signed)).catch(() => {})
    }
  }

  private wait (frame: Uint8Array): void {
    this.waiting.push({ frame, at: this.now() })
    if (this.waiting.length > MAX_WAITING_FRAMES) this.waiting.shift()
  }

  /** A key share arrived: read the frames that were waiting for it. */
  private async retryWaiting (author: string): Promise<void> {
    const mine: WaitingFrame[] = []
    this.waiting = this.waiting.filter(w => {
      const from = this.waitingAuthor(w.frame)
      if (from !== author) return true
      mine.push(w)
      return false
    })
    for (const w of mine) await this.receive(w.frame)
  }

  private waitingAuthor (frame: Uint8Array): string | undefined {
    try {
      return bytesToHex(openFrame(frame, tag => this.epochs.byTag(tag)).payload.author)
    } catch {
      return undefined
    }
  }

  private async sendPlain (epoch: Epoch, kind: number, body: Uint8Array): Promise<number> {
    const unsigned: UnsignedMessage = { kind, seq: 0, timestamp: this.now(), body }
    return await this.publish(epoch, plainPayload(await signMessage(this.components.identity, epoch.epochId, unsigned)))
  }

  private async publish (epoch: Epoch, payload: Payload): Promise<number> {
    if (this.transport === undefined) return 0
    return await this.transport.publish(epoch.topic, sealFrame(epoch, payload))
  }

  /**
   * Ephemeral messages are not stored, so replays are caught by time instead of by sequence: each
   * must be newer than the last of its kind from that author. The sender's clock is not compared
   * with ours, so a member whose clock is wrong can still take part.
   */
  private freshEphemeral (message: SignedMessage, author: string): boolean {
    if (message.seq !== 0) return false
    const key = `${author}/${message.kind}`
    if (message.timestamp <= (this.lastEphemeral.get(key) ?? 0)) return false
    this.lastEphemeral.set(key, message.timestamp)
    return true
  }

  /**
   * Records a sign of life from a member; `colour` comes with presence, a message keeps the last
   * one. The member list is sent out again, and the record stored, only when something it shows
   * changed (someone new, a name, a colour, online or not), or the stored "last seen" is
   * MEMBER_SAVE_EVERY_MS old: this runs for every message, and in a busy room rebuilding and
   * sorting the whole list and writing the record each time was a share of every delivery.
   */
  private async heard (key: string, name: string, online: boolean, colour?: number): Promise<void> {
    const now = this.now()
    const before = this.memberRecords.get(key)
    const wasOnline = this.isOnline(key, now)
    if (online) this.lastHeard.set(key, now)
    else this.lastHeard.delete(key)
    const member: MemberRecord = { roomId: this.id, key, name, lastSeen: now, colour: colour ?? before?.colour }
    this.memberRecords.set(key, member)
    const shown = before === undefined || before.name !== name || before.colour !== member.colour || wasOnline !== online
    if (shown) this.emit('members', this.members())
    if (shown || now - (this.savedLastSeen.get(key) ?? 0) >= MEMBER_SAVE_EVERY_MS) {
      this.savedLastSeen.set(key, now)
      await this.components.store.putMember(member)
    }
  }

  private isOnline (key: string, now: number): boolean {
    const heard = this.lastHeard.get(key)
    return heard !== undefined && now - heard < presenceTimeoutMs(this.onlineCount())
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
        if (!await this.inTurn(async () => await this.flushOnce())) return
      }
    })().finally(() => { this.flushing = undefined })
    await this.flushing
  }

  /** One pass over the outbox; false when nobody was reachable. */
  private async flushOnce (): Promise<boolean> {
    if (this.transport === undefined || this.removed) return false
    if (!this.heardSummary && this.components.sharedIdentity?.() === true) return false
    const store = this.components.store
    for (let pending of await store.pendingMessages(this.id)) {
      const epoch = this.epochs.current
      if (pending.epoch !== bytesToHex(epoch.epochId)) {
        // Written before a rotation: it is ours, so sign it again for the epoch it now goes to.
        const signed = await signMessage(this.components.identity, epoch.epochId, fromRecord(pending))
        pending = { ...pending, epoch: bytesToHex(epoch.epochId), signature: signed.signature }
        await store.replaceMessage(pending)
      }
      const { index, messageKey } = this.keys.ownChain(epoch).next()
      const payload = chainedPayload(fromRecord(pending), this.keys.ownChain(epoch).chainId, index, messageKey)
      const delivered = await this.publish(epoch, payload).catch(() => 0)
      if (delivered === 0) return false // keep it, and the rest, for when someone is reachable
      await store.setMessageState(this.id, pending.author, pending.seq, 'sent')
      const shown = this.asShownHere({ ...pending, state: 'sent' })
      if (shown !== undefined) this.emit('message-state', shown)
    }
    return true
  }

  /**
   * After a peer's history summary: our pending messages move above the highest number of ours
   * it holds, if another device of ours took their numbers; then the outbox may go.
   */
  private async afterSummary (body: Uint8Array): Promise<void> {
    const ours = decodeSummary(body).find(e => bytesToHex(e.author) === this.self)
    if (ours !== undefined) this.ownFloor = Math.max(this.ownFloor, ours.maxSeq)
    // Only an identity that may be on another device can find its numbers taken. For any other,
    // a peer holding our pending number means it did go out (the send just looked failed), and
    // moving it would show it twice.
    const shared = this.components.sharedIdentity?.() === true
    const moved = ours === undefined || !shared ? 0 : await this.renumber(ours.maxSeq)
    const first = !this.heardSummary
    this.heardSummary = true
    if (first || moved > 0) void this.flushOutbox()
  }

  /** Runs `fn` after whatever renumbering or sending runs now. */
  private async inTurn<T> (fn: () => Promise<T>): Promise<T> {
    const turn = this.outboxTurn.then(fn, fn)
    this.outboxTurn = turn.catch(() => {})
    return await turn
  }

  private async renumber (used: number): Promise<number> {
    const moved = await this.inTurn(async () => await renumberPending({ store: this.components.store, roomId: this.id, identity: this.components.identity, epoch: this.epochs.current }, used))
    for (const m of moved) this.emit('message-renumbered', m)
    return moved.length
  }

  /**
   * Our other device sent a message under a number we hold a different message of ours under.
   * Ours, if still pending, moves to a new number. If both went out, peers hold one or the other:
   * the one with the smaller signature keeps the number, and the other device sends its own
   * again under a new number, so no peer is left without either.
   */
  private async onOwnConflict (theirs: MessageRecord): Promise<void> {
    const store = this.components.store
    // Decided in the outbox's turn, so "pending" means it really has not gone out.
    const resend = await this.inTurn(async () => {
      const ours = await store.getMessage(this.id, this.self, theirs.seq)
      if (ours === undefined || bytesToHex(ours.signature) === bytesToHex(theirs.signature)) return undefined
      this.emit('other-device', { prekey: '' })
      if (ours.state === 'pending') {
        const moved = await renumberPending({ store, roomId: this.id, identity: this.components.identity, epoch: this.epochs.current }, theirs.seq)
        for (const m of moved) this.emit('message-renumbered', m)
        if (await store.addMessage(theirs)) {
          if (isEffectKind(theirs.kind)) await this.applyEffect(fromRecord(theirs), this.self)
          if (isShownKind(theirs.kind) && this.showsNow(theirs)) this.emit('message', theirs)
        }
        return undefined
      }
      if (bytesToHex(ours.signature) < bytesToHex(theirs.signature)) return undefined // ours keeps the number
      await store.replaceMessage(theirs)
      if (isShownKind(theirs.kind)) this.emit('message-updated', theirs)
      return [theirs, ours]
    })
    if (resend === undefined) {
      void this.flushOutbox()
      return
    }
    // Both went out: each peer kept whichever came first. This device sends both again under new
    // numbers (same key, so it may sign its other device's text too): everyone ends with both,
    // at worst one of them twice.
    for (const m of resend) await this.sendStored(m.kind, m.body, m.timestamp)
  }

  /** A room naming's record, with the name its author goes by here (its body names only the room). */
  private withAuthorName (record: MessageRecord): MessageRecord {
    if (record.kind !== Kind.RoomName) return record
    const name = record.author === this.self ? this.components.displayName() : this.memberRecords.get(record.author)?.name
    return { ...record, name: name ?? '' }
  }

  /** A stored record as the log shows it (see asShown), naming the author of a room naming that arrived before they did. */
  private asShownHere (record: MessageRecord): MessageRecord | undefined {
    const shown = asShown(record)
    return shown?.kind === Kind.RoomName && shown.name === '' ? this.withAuthorName(shown) : shown
  }

  /**
   * Whether a shown kind's record is in the log yet: a room naming dated too far ahead of our
   * clock waits, as its name does (see takeName), rather than sit below everything said until then.
   */
  private showsNow (record: MessageRecord): boolean {
    return record.kind !== Kind.RoomName || record.timestamp <= this.now() + NAMING_CLOCK_AHEAD_MS
  }

  /**
   * Records a shown message's time as the room's last activity (the room list's order), when it
   * is the newest. Only this room writes it, so the time in memory is the stored one, and a
   * message costs no read. The write starts before the message is announced, so whoever reads
   * the room after that sees it; it is not waited for: the message itself is stored already. (A
   * failed write leaves only the list's order behind; the app's store reports it to the user.)
   */
  private touch (timestamp: number): void {
    if (timestamp <= this.lastActivity) return
    this.lastActivity = timestamp
    this.components.store.updateRoom(this.id, { lastActivity: timestamp }).catch(() => {})
  }

}

/** Kinds that appear in the conversation log: messages and notices (joined or left, a room naming). */
function isShownKind (kind: number): boolean {
  return isMessageKind(kind) || kind === Kind.Membership || kind === Kind.RoomName
}

/**
 * The time a shown record sets the room's last activity to: a room naming's own date, unless it is
 * ahead of when it arrived (a name goes after the one before it, even one dated a little ahead).
 */
function activityTime (record: MessageRecord): number {
  return record.kind === Kind.RoomName ? Math.min(record.timestamp, record.receivedAt) : record.timestamp
}

/** Kinds that change something already there: a message (edits, deletions, reactions) or the room's name. */
function isEffectKind (kind: number): boolean {
  return kind === Kind.Edit || kind === Kind.Delete || kind === Kind.Reaction || kind === Kind.RoomName
}
/** How far before this session a presence of ours may be dated and still mean another device, ms. */
const OTHER_DEVICE_SLACK_MS = 60_000

/**
 * What a room is called: the name its members gave it, or "Room 7KQ2M", the first group of the
 * code it was first joined with.
 */
export function roomTitle (record: Pick<RoomRecord, 'secret' | 'named'>): string {
  const name = tidyRoomName(record.named?.name ?? '')
  return name !== '' ? name : `Room ${record.secret.slice(0, 5)}`
}

/** A room name with its runs of spaces made one and none around it ('' when nothing else is left). */
function tidyRoomName (name: string): string {
  return name.replace(/\s+/g, ' ').trim()
}

/** Whether naming `a` comes after `b`: later by its author's clock, then by author key and number. */
function isNamedAfter (a: RoomNaming, b: RoomNaming): boolean {
  if (a.at !== b.at) return a.at > b.at
  if (a.by !== b.by) return a.by > b.by
  return a.seq > b.seq
}

/** Decodes signed bytes and checks they are by the payload's author, for this epoch. */
async function openSigned (data: Uint8Array, author: Uint8Array, epoch: Epoch): Promise<SignedMessage> {
  const message = decodeSigned(data)
  if (bytesToHex(message.author) !== bytesToHex(author)) {
    throw new Error('Payload author and signed author differ')
  }
  await verifyMessage(message, epoch.epochId)
  return message
}

function rotateContext (parent: Epoch, author: Uint8Array, recipient: Uint8Array, number: number): Uint8Array {
  const n = new Uint8Array(4)
  new DataView(n.buffer).setUint32(0, number)
  return concatBytes(utf8('meshchat/rotate/v1'), parent.epochId, author, recipient, n)
}
