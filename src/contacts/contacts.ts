/**
 * The user's contacts: requests out and in, direct rooms, verification and blocking.
 *
 * How a request travels: every identity keeps an inbox (a hidden room whose code is in its
 * contact link). To ask someone, the requester joins their inbox (or uses a room both are in)
 * and sends a request sealed to them; the requester also joins the direct room at once (its
 * code comes from the two keys, see direct-code.ts). Accepting means joining the direct room
 * and saying so there; declining is a sealed reply where the request came from. Requests and
 * replies are ephemeral, so each side repeats itself when new peers appear, until answered.
 */
import { bytesToHex, concatBytes, hexToBytes, utf8 } from '../bytes.js'
import { loadCrypto } from '../crypto/lazy-crypto.js'
import { identitySecretToX25519, identityToX25519, openFrom, sealTo } from '../crypto/pairwise.js'
import { roomIdOf } from '../crypto/room-keys.js'
import { Emitter } from '../events.js'
import type { Identity } from '../identity/identity.js'
import type { BackupContact } from '../identity/backup.js'
import { Kind } from '../protocol/bodies.js'
import {
  REQUEST_ID_BYTES, decodeContactReply, decodeContactRequest, decodeSealedContactBody, encodeContactReply,
  encodeContactRequest, encodeSealedContactBody
} from '../protocol/contact-bodies.js'
import type { ContactDecision } from '../protocol/contact-bodies.js'
import type { ContactSignal, Room } from '../room/room.js'
import { generateRoomCode, roomCodeFromSecret } from '../room/room-code.js'
import type { RoomCode } from '../room/room-code.js'
import type { Store } from '../store/store.js'
import type { ContactCard } from './contact-link.js'
import { directRoomCode, safetyCode } from './direct-code.js'

const CONTACTS_KEY = 'contacts'
const INBOX_KEY = 'inbox'
/** How often a request or acceptance not yet answered is said again, ms. */
const REPEAT_EVERY_MS = 10_000

/**
 * `requested`: we asked, no answer yet; `incoming`: they asked us; `accepted`: both agreed (the
 * direct room is open); `declined`: one side said no; `none`: only known to be blocked.
 */
export type ContactState = 'requested' | 'incoming' | 'accepted' | 'declined' | 'none'

export interface ContactRecord {
  /** Ed25519 public key, hex. */
  readonly key: string
  name: string
  state: ContactState
  /** Their messages are hidden in every room and their requests ignored. */
  blocked: boolean
  /** The user compared safety codes with them. */
  verified: boolean
  readonly addedAt: number
  /** Id of the direct room. */
  readonly directRoom: string
  /** Where the request goes or came from (their inbox, ours, or a shared room). */
  via?: string
  /** The open request's id, hex: repeated with it, named by its reply. */
  requestId?: string
  /**
   * Set when the name belongs to another, already known contact with a different key:
   * someone may be pretending to be them.
   */
  lookalikeOf?: string
}

/** What happened to a received request or reply; for the tests and diagnostics. */
export type SignalOutcome =
  'not-for-us' | 'malformed' | 'blocked' | 'request' | 'repeat' | 'accepted' | 'declined' | 'unsolicited'

/** The rooms the contacts need: the client implements it. */
export interface RoomHost {
  joinRoom(code: string): Promise<Room>
  openRoom(id: string): Promise<Room | undefined>
  leaveRoom(id: string, options?: { deleteHistory?: boolean }): Promise<void>
}

export interface ContactsComponents {
  readonly identity: Identity
  readonly store: Store
  readonly rooms: RoomHost
  readonly displayName: () => string
  readonly now?: () => number
}

export interface ContactsEvents extends Record<string, unknown> {
  /** The contact list changed. */
  contacts: ContactRecord[]
  /** Someone asked to become a contact. */
  request: ContactRecord
}

export class Contacts extends Emitter<ContactsEvents> {
  private readonly self: string
  private readonly now: () => number
  private list = new Map<string, ContactRecord>()
  private loaded: Promise<void> | undefined
  private inboxSecret: string | undefined
  /** Rooms where something of ours is under way (a request, an acceptance), by id. */
  private readonly watched = new Map<string, Room>()
  private repeater: ReturnType<typeof setInterval> | undefined
  /**
   * Set when the client closes. A start still under way then ends without writing: the store may
   * be about to hold another identity (a backup restored on this device).
   */
  private stopped = false
  /** One change at a time, so two signals never undo each other's writes. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor (private readonly components: ContactsComponents) {
    super()
    this.self = bytesToHex(components.identity.publicKey)
    this.now = components.now ?? Date.now
  }

  /**
   * Loads the contacts, joins our inbox (hidden) and reopens what is under way: pending requests
   * and the direct rooms, so answers and messages arrive.
   */
  async start (): Promise<void> {
    await loadCrypto()
    await this.load()
    if (this.stopped) return
    const inbox = await this.inboxCode()
    if (this.stopped) return
    await this.join(inbox, { hidden: true })
    for (const contact of this.list.values()) {
      if (this.stopped) return
      if (contact.blocked) continue
      if (contact.state === 'requested' && contact.via !== undefined) {
        const via = await this.components.rooms.openRoom(contact.via)
        if (via !== undefined) this.watch(via)
      }
      if (contact.state === 'requested' || contact.state === 'accepted') {
        this.watch(await this.join(this.directCode(contact.key), { direct: contact.key }))
      }
    }
  }

  /** What to share so others can ask us: our key, inbox and name. */
  async card (): Promise<ContactCard> {
    return { key: this.self, inbox: (await this.inboxCode()).secret, name: this.components.displayName() }
  }

  /** The id of our inbox room (hidden from the room list). */
  async inboxRoomId (): Promise<string> {
    return roomIdOf(await this.inboxCode())
  }

  /** Every contact, newest first. */
  async all (): Promise<ContactRecord[]> {
    await this.load()
    return [...this.list.values()].map(c => ({ ...c })).sort((a, b) => b.addedAt - a.addedAt)
  }

  async get (key: string): Promise<ContactRecord | undefined> {
    await this.load()
    const contact = this.list.get(key)
    return contact === undefined ? undefined : { ...contact }
  }

  /** Keys whose messages are hidden. */
  async blockedKeys (): Promise<Set<string>> {
    await this.load()
    return new Set([...this.list.values()].filter(c => c.blocked).map(c => c.key))
  }

  /** The safety code both people compare to verify each other. */
  safetyCode (key: string): string {
    return safetyCode(this.components.identity.publicKey, hexToBytes(key))
  }

  /**
   * Asks someone to become a contact: through their inbox when `card.inbox` is given, otherwise
   * in the shared room `viaRoom`. Opens the direct room at once.
   */
  async request (card: { key: string, name: string, inbox?: string }, viaRoom?: string): Promise<ContactRecord> {
    await loadCrypto()
    if (card.key === this.self) throw new RangeError('You cannot add yourself as a contact')
    if (!/^[0-9a-f]{64}$/.test(card.key)) throw new RangeError('"key" expected 64 hex digits')
    const via = card.inbox !== undefined
      ? await this.join(roomCodeFromSecret(card.inbox), { hidden: true })
      : viaRoom === undefined ? undefined : await this.components.rooms.openRoom(viaRoom)
    if (via === undefined) throw new RangeError('A request needs their contact link or a room you share')
    const contact = await this.change(async () => {
      const existing = this.list.get(card.key)
      if (existing?.state === 'accepted') return existing
      if (existing?.state === 'incoming') return await this.acceptNow(existing)
      const requested: ContactRecord = {
        ...this.fresh(card.key, card.name),
        ...existing,
        state: 'requested',
        blocked: false,
        via: via.id,
        requestId: bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(REQUEST_ID_BYTES)))
      }
      await this.put(requested)
      return requested
    })
    if (contact.state === 'requested') {
      this.watch(via)
      this.watch(await this.join(this.directCode(card.key), { direct: card.key }))
      await this.sendRequest(contact, via)
    }
    return contact
  }

  /** Accepts an incoming request: joins the direct room and says so there. */
  async accept (key: string): Promise<ContactRecord> {
    await loadCrypto()
    return await this.change(async () => {
      const contact = this.list.get(key)
      if (contact === undefined || contact.state !== 'incoming') throw new RangeError('There is no request from them to accept')
      return await this.acceptNow(contact)
    })
  }

  /** Declines an incoming request, telling the requester. */
  async decline (key: string): Promise<void> {
    await loadCrypto()
    const contact = await this.change(async () => {
      const found = this.list.get(key)
      if (found === undefined || found.state !== 'incoming') throw new RangeError('There is no request from them to decline')
      found.state = 'declined'
      await this.put(found)
      return found
    })
    await this.reply(contact, 'decline')
  }

  /** Hides their messages in every room and ignores their requests; `name` for someone not yet a contact. */
  async block (key: string, name = ''): Promise<void> {
    if (key === this.self) throw new RangeError('You cannot block yourself')
    await this.change(async () => {
      const contact = this.list.get(key) ?? this.fresh(key, name === '' ? `${key.slice(0, 8)}…` : name)
      contact.blocked = true
      await this.put(contact)
    })
  }

  async unblock (key: string): Promise<void> {
    await this.change(async () => {
      const contact = this.list.get(key)
      if (contact === undefined) return
      contact.blocked = false
      if (contact.state === 'none') this.list.delete(key)
      await this.save()
    })
  }

  /** Marks a contact verified (the safety codes matched) or not. */
  async setVerified (key: string, verified: boolean): Promise<void> {
    await this.change(async () => {
      const contact = this.list.get(key)
      if (contact === undefined) throw new RangeError('Not a contact')
      contact.verified = verified
      await this.put(contact)
    })
  }

  /** Forgets a contact (the direct room's history stays until the room is left). */
  async forget (key: string): Promise<void> {
    await this.change(async () => {
      this.list.delete(key)
      await this.save()
    })
  }

  /** Opens the direct room with an accepted contact. */
  async openDirect (key: string): Promise<Room> {
    await loadCrypto()
    const contact = await this.get(key)
    if (contact === undefined || (contact.state !== 'accepted' && contact.state !== 'requested')) throw new RangeError('Not a contact yet')
    const room = await this.join(this.directCode(key), { direct: key })
    this.watch(room)
    return room
  }

  /**
   * The contact (other than `key`) whose name `name` is, if any: a warning sign that `key` may
   * be pretending to be them.
   */
  lookalike (name: string, key: string): ContactRecord | undefined {
    return lookalikeIn(this.list.values(), name, key)
  }

  /** Handles a contact request or reply seen in room `roomId`. Never throws. */
  async receive (roomId: string, signal: ContactSignal): Promise<SignalOutcome> {
    await loadCrypto()
    await this.load()
    if (signal.author === this.self) return 'not-for-us'
    let plaintext: Uint8Array
    try {
      plaintext = openFrom(identitySecretToX25519(this.components.identity.secretKey), decodeSealedContactBody(signal.body),
        sealContext(signal.kind, hexToBytes(signal.author), this.components.identity.publicKey))
    } catch {
      return 'not-for-us' // for another member, or a copy re-signed by someone else
    }
    if (this.list.get(signal.author)?.blocked === true) return 'blocked'
    try {
      if (signal.kind === Kind.ContactRequest) return await this.onRequest(roomId, signal.author, plaintext)
      if (signal.kind === Kind.ContactReply) return await this.onReply(signal.author, plaintext)
      return 'malformed'
    } catch {
      return 'malformed'
    }
  }

  private async onRequest (roomId: string, author: string, plaintext: Uint8Array): Promise<SignalOutcome> {
    const body = decodeContactRequest(plaintext)
    const requestId = bytesToHex(body.requestId)
    const result = await this.change(async (): Promise<[SignalOutcome, ContactRecord, ContactDecision?]> => {
      const existing = this.list.get(author)
      switch (existing?.state) {
        case 'accepted': { // our acceptance was lost (or they forgot): say it again, naming this request
          const again = { ...existing, requestId }
          await this.put(again)
          return ['repeat', again, 'accept']
        }
        case 'requested': // both asked: accept theirs, so our answer names the request they wait on
          return ['accepted', await this.acceptNow({ ...existing, via: roomId, requestId }), undefined]
        case 'declined':
          if (existing.requestId === requestId) return ['repeat', existing, 'decline']
          break // a new request after a refusal: ask the user again
        case 'incoming':
          if (existing.requestId === requestId && existing.via === roomId) return ['repeat', existing, undefined]
          break
      }
      const name = body.name.replace(/\s+/g, ' ').trim()
      const incoming: ContactRecord = {
        ...this.fresh(author, name),
        ...existing,
        name,
        state: 'incoming',
        via: roomId,
        requestId,
        lookalikeOf: this.lookalike(name, author)?.key
      }
      await this.put(incoming)
      this.emit('request', { ...incoming })
      return ['request', incoming, undefined]
    })
    const [outcome, contact, answer] = result
    if (answer !== undefined) await this.reply(contact, answer)
    return outcome
  }

  private async onReply (author: string, plaintext: Uint8Array): Promise<SignalOutcome> {
    const body = decodeContactReply(plaintext)
    const outcome = await this.change(async (): Promise<SignalOutcome> => {
      const contact = this.list.get(author)
      // Only an answer to our open request changes anything: nobody becomes a contact unasked.
      if (contact?.state !== 'requested' || contact.requestId !== bytesToHex(body.requestId)) {
        return contact?.state === 'accepted' ? 'repeat' : 'unsolicited'
      }
      contact.state = body.decision === 'accept' ? 'accepted' : 'declined'
      await this.put(contact)
      return body.decision === 'accept' ? 'accepted' : 'declined'
    })
    const contact = this.list.get(author)
    if (outcome === 'accepted' && contact !== undefined) {
      await this.leaveInboxOf(contact)
      await this.reply(contact, 'accept') // tell them we saw it, so they stop repeating
    }
    // After a refusal the direct room stays, with anything written there, until the user leaves it.
    if (outcome === 'declined' && contact !== undefined) await this.leaveInboxOf(contact)
    return outcome
  }

  /** Runs inside `change`. */
  private async acceptNow (contact: ContactRecord): Promise<ContactRecord> {
    const accepted = { ...contact, state: 'accepted' as const }
    await this.put(accepted)
    void (async () => {
      const room = await this.join(this.directCode(contact.key), { direct: contact.key })
      this.watch(room)
      await this.reply(accepted, 'accept')
    })().catch(() => {})
    return accepted
  }

  private async reply (contact: ContactRecord, decision: ContactDecision): Promise<void> {
    if (contact.requestId === undefined) return
    // An acceptance goes in the direct room (where both now are), a refusal where the request came from.
    const roomId = decision === 'accept' ? contact.directRoom : contact.via
    if (roomId === undefined) return
    const room = await this.components.rooms.openRoom(roomId)
    if (room === undefined) return
    const body = encodeContactReply({ requestId: hexToBytes(contact.requestId), decision })
    await room.sendContactSignal(Kind.ContactReply, this.seal(Kind.ContactReply, contact.key, body))
  }

  private async sendRequest (contact: ContactRecord, via: Room): Promise<void> {
    if (contact.requestId === undefined) return
    const body = encodeContactRequest({ requestId: hexToBytes(contact.requestId), name: this.components.displayName() })
    await via.sendContactSignal(Kind.ContactRequest, this.seal(Kind.ContactRequest, contact.key, body))
  }

  private seal (kind: number, recipient: string, plaintext: Uint8Array): Uint8Array {
    const to = hexToBytes(recipient)
    return encodeSealedContactBody(sealTo(identityToX25519(to), plaintext, sealContext(kind, this.components.identity.publicKey, to)))
  }

  /** Stops repeating what is under way, and a start still under way (the client is closing). */
  stop (): void {
    this.stopped = true
    clearInterval(this.repeater)
    this.repeater = undefined
  }

  private watch (room: Room): void {
    if (this.stopped || this.watched.has(room.id)) return // a closed client repeats nothing
    this.watched.set(room.id, room)
    // Requests and answers are not stored: one lost on the way is said again on meeting someone
    // new, and a request every REPEAT_EVERY_MS until it is answered (a request that reaches an
    // accepted contact brings the acceptance again, so a lost acceptance is covered too).
    this.repeater ??= setInterval(() => {
      for (const watched of this.watched.values()) if (watched.peerCount > 0) void this.repeatIn(watched, true).catch(() => {})
    }, REPEAT_EVERY_MS)
    let before = room.peerCount
    room.on('peers', count => {
      const grew = count > before
      before = count
      if (grew) void this.repeatIn(room).catch(() => {})
    })
    if (room.peerCount > 0) void this.repeatIn(room).catch(() => {})
  }

  private async repeatIn (room: Room, requestsOnly = false): Promise<void> {
    for (const contact of this.list.values()) {
      if (contact.blocked || contact.requestId === undefined) continue
      if (contact.state === 'requested' && contact.via === room.id) await this.sendRequest(contact, room)
      if (contact.state === 'accepted' && contact.directRoom === room.id && !requestsOnly) await this.reply(contact, 'accept')
    }
  }

  private async leaveInboxOf (contact: ContactRecord): Promise<void> {
    if (contact.via === undefined || contact.via === await this.inboxRoomId()) return
    const record = await this.components.store.getRoom(contact.via)
    if (record?.hidden === true) {
      this.watched.delete(contact.via)
      await this.components.rooms.leaveRoom(contact.via, { deleteHistory: true })
    }
  }

  /** Joins a room by code, creating its record first so it is never listed before it is marked. */
  private async join (code: RoomCode, marks: { hidden?: boolean, direct?: string }): Promise<Room> {
    const id = roomIdOf(code)
    const store = this.components.store
    if (await store.getRoom(id) === undefined) {
      await store.putRoom({ id, secret: code.secret, joinedAt: this.now(), lastActivity: 0, ...marks })
    }
    return await this.components.rooms.joinRoom(code.display)
  }

  private directCode (key: string): RoomCode {
    const identity = this.components.identity
    return directRoomCode(identity.secretKey, identity.publicKey, hexToBytes(key))
  }

  private async inboxCode (): Promise<RoomCode> {
    if (this.inboxSecret === undefined) {
      const stored = await this.components.store.getMeta<string>(INBOX_KEY)
      if (stored !== undefined) {
        this.inboxSecret = stored
      } else if (this.stopped) {
        return generateRoomCode() // not kept: the store may hold a restored backup's inbox by now
      } else {
        this.inboxSecret = generateRoomCode().secret
        await this.components.store.putMeta(INBOX_KEY, this.inboxSecret)
      }
    }
    return roomCodeFromSecret(this.inboxSecret)
  }

  private fresh (key: string, name: string): ContactRecord {
    return {
      key,
      name,
      state: 'none',
      blocked: false,
      verified: false,
      addedAt: this.now(),
      directRoom: roomIdOf(this.directCode(key))
    }
  }

  private async load (): Promise<void> {
    this.loaded ??= (async () => {
      const stored = await this.components.store.getMeta<ContactRecord[]>(CONTACTS_KEY) ?? []
      this.list = new Map(stored.map(c => [c.key, c]))
    })()
    await this.loaded
  }

  private async change<T>(fn: () => Promise<T>): Promise<T> {
    await this.load()
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return await run
  }

  private async put (contact: ContactRecord): Promise<void> {
    this.list.set(contact.key, contact)
    await this.save()
  }

  private async save (): Promise<void> {
    await this.components.store.putMeta(CONTACTS_KEY, [...this.list.values()])
    this.emit('contacts', [...this.list.values()].map(c => ({ ...c })).sort((a, b) => b.addedAt - a.addedAt))
  }
}

/**
 * Writes the contacts and the inbox of a backup into `store`, for `identity`, with no Contacts
 * running on it. With `keep`, the device's own contacts and inbox win over the backup's (the
 * device was already this identity); otherwise the backup's replace them, since contacts and
 * their direct rooms belong to one identity.
 */
export async function restoreContacts (store: Store, identity: Identity, backup: { inbox?: string, contacts?: BackupContact[] }, keep: boolean): Promise<void> {
  await loadCrypto()
  // Everything is checked before anything is written.
  const inbox = backup.inbox === undefined ? undefined : roomCodeFromSecret(backup.inbox).secret
  const list = new Map<string, ContactRecord>()
  for (const c of backup.contacts ?? []) {
    if (c.key === bytesToHex(identity.publicKey)) continue
    list.set(c.key, { ...c, directRoom: roomIdOf(directRoomCode(identity.secretKey, identity.publicKey, hexToBytes(c.key))) })
  }
  if (keep) for (const c of await store.getMeta<ContactRecord[]>(CONTACTS_KEY) ?? []) list.set(c.key, c)
  // The warning on a request under a known contact's name is worked out again, as on arrival.
  for (const c of list.values()) if (c.state === 'incoming') c.lookalikeOf = lookalikeIn(list.values(), c.name, c.key)?.key
  await store.putMeta(CONTACTS_KEY, [...list.values()])
  const held = keep ? await store.getMeta<string>(INBOX_KEY) : undefined
  if (held === undefined && inbox !== undefined) await store.putMeta(INBOX_KEY, inbox)
  else if (!keep) await store.deleteMeta(INBOX_KEY)
}

/** The accepted contact, other than `key`, whose name `name` is (ignoring case and spaces around). */
function lookalikeIn (contacts: Iterable<ContactRecord>, name: string, key: string): ContactRecord | undefined {
  const wanted = name.trim().toLowerCase()
  return [...contacts].find(c => c.key !== key && c.state === 'accepted' && c.name.trim().toLowerCase() === wanted)
}

/** Binds a sealed contact note to its kind, its signed author and its recipient. */
function sealContext (kind: number, author: Uint8Array, recipient: Uint8Array): Uint8Array {
  return concatBytes(utf8('meshchat/contact/v1'), Uint8Array.of(kind), author, recipient)
}
