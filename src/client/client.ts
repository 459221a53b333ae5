/**
 * The one facade the UI and the tests drive: the user's identity and name, their rooms, and the
 * network once it is up. Everything works from the store first; the network is attached later
 * (in the browser it is loaded lazily, after history is on screen).
 */
import type { Identity } from '../identity/identity.js'
import type { KdfParams } from '../crypto/passphrase-box.js'
import { NAME_KEY, SHARED_KEY, loadIdentity } from './identity-vault.js'
import { normaliseName } from '../protocol/bodies.js'
import type { Transport } from '../net/transport.js'
import { Room } from '../room/room.js'
import type { RoomInit } from '../room/room.js'
import { deriveEpochKeys, roomIdOf } from '../crypto/room-keys.js'
import { generateRoomCode, parseRoomCode, roomCodeFromSecret } from '../room/room-code.js'
import type { RoomCode } from '../room/room-code.js'
import type { MessageRecord, RoomRecord, RoomSettings, SearchOptions, Store } from '../store/store.js'
import { Emitter } from '../events.js'
import type { ContactRecord, Contacts } from '../contacts/contacts.js'
import { isAvatarColour } from '../identity/avatar-colours.js'
import type { FileTransfers, FileTransfersInit } from '../files/file-transfers.js'

/** The avatar colour is kept beside the name: both are how the user looks to others. */
const COLOUR_KEY = 'avatarColour'
/**
 * Room activity re-reads the room list at most this often, ms. A busy room has many messages a
 * second, and each reading is an IndexedDB read of every room and a render of the list.
 */
const ACTIVITY_LIST_SPACING_MS = 250

export interface ClientComponents {
  readonly store: Store
  /** Options for every room (rate limits). */
  readonly roomInit?: RoomInit
  /** Options for file transfers (retry pacing). */
  readonly filesInit?: FileTransfersInit
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number
  /**
   * Put "joined" and "left" notices in a room's log when the user first joins or leaves it (the
   * app does; off by default, so a headless client numbers only what it writes).
   */
  readonly membershipNotices?: boolean
  /** The app lock's passphrase, when the identity is locked (see identity-vault.ts). */
  readonly passphrase?: string
}

export interface ClientEvents extends Record<string, unknown> {
  /** The room list changed (joined, or new activity). */
  rooms: RoomRecord[]
  /** A message was stored in one of the open rooms (sent by the user or received). */
  message: MessageRecord
}

export interface LeaveRoomOptions {
  /** Also remove the room's messages from this device. */
  deleteHistory?: boolean
}

export class Client extends Emitter<ClientEvents> {
  /** Open rooms by id; a promise, so two joins of one code at once open it once. */
  private readonly rooms = new Map<string, Promise<Room>>()
  private transport: Transport | undefined
  /** Rendezvous of a room about to be joined, to prepare once the network is attached. */
  private toPrepare: Uint8Array | undefined
  // Contacts and file transfers are loaded on first use (see loadContacts, loadFiles): a room's
  // history shows without them, so they are not part of the app's first download.
  private contacts: Promise<Contacts> | undefined
  private loadedContacts: Contacts | undefined
  private files: Promise<FileTransfers> | undefined
  private loadedFiles: FileTransfers | undefined
  private announcingRooms: Promise<void> | undefined
  private roomsChanged = false
  /** When the room list was last read (performance.now()), and the reading activity waits for. */
  private roomsReadAt = -Infinity
  private activityTimer: ReturnType<typeof setTimeout> | undefined
  private closed = false

  private constructor (
    private readonly components: ClientComponents,
    readonly identity: Identity,
    private name: string,
    private colour: number,
    /** Exported or restored: the identity may be on another device too. */
    private shared: boolean
  ) {
    super()
  }

  /** Contacts, requests and direct rooms; `start()` on them joins the inbox. */
  async loadContacts (): Promise<Contacts> {
    this.contacts ??= import('../contacts/contacts.js').then(({ Contacts }) => {
      const { store, now } = this.components
      this.loadedContacts = new Contacts({ identity: this.identity, store, rooms: this, displayName: () => this.name, now })
      if (this.closed) this.loadedContacts.stop() // closed while they loaded: they start nothing
      return this.loadedContacts
    })
    return await this.contacts
  }

  /** Files of every room: sealed and served from here, fetched directly from peers. */
  async loadFiles (): Promise<FileTransfers> {
    this.files ??= import('../files/file-transfers.js').then(({ FileTransfers }) => {
      this.loadedFiles = new FileTransfers(this.components.store, this.components.filesInit)
      if (this.transport !== undefined) this.loadedFiles.attach(this.transport.direct)
      return this.loadedFiles
    })
    return await this.files
  }

  /**
   * Loads the identity from the store, or creates and stores one on first use.
   * @throws LockedError / WrongPassphraseError when it is locked and the passphrase is missing or wrong
   */
  static async open (components: ClientComponents): Promise<Client> {
    const store = components.store
    // Read together: each is a round trip to the database, and the app waits for all of them.
    const [identity, name, colour, shared] = await Promise.all([
      loadIdentity(store, components.passphrase),
      store.getMeta<string>(NAME_KEY),
      store.getMeta<number>(COLOUR_KEY),
      store.getMeta<boolean>(SHARED_KEY)
    ])
    return new Client(components, identity, name ?? '', colour !== undefined && isAvatarColour(colour) ? colour : 0, shared === true)
  }

  /** The display name; empty until the user picks one. */
  get displayName (): string {
    return this.name
  }

  async setDisplayName (name: string): Promise<void> {
    this.name = normaliseName(name)
    await this.components.store.putMeta(NAME_KEY, this.name)
  }

  /** The chosen avatar colour (see avatar-colours.ts); 0 until the user picks one. */
  get avatarColour (): number {
    return this.colour
  }

  /** Picks an avatar colour (0: the one derived from the key) and tells every open room at once. */
  async setAvatarColour (colour: number): Promise<void> {
    if (!isAvatarColour(colour)) throw new RangeError(`"colour" expected a palette entry, got ${colour}`)
    this.colour = colour
    await this.components.store.putMeta(COLOUR_KEY, colour)
    await Promise.all([...this.rooms.values()].map(async opening => {
      await (await opening).announce().catch(() => {})
    }))
  }

  /** Rooms the user has joined, most recent activity first (the hidden inboxes left out). */
  async listRooms (): Promise<RoomRecord[]> {
    const rooms = (await this.components.store.listRooms()).filter(r => r.hidden !== true)
    return rooms.sort((a, b) => Math.max(b.lastActivity, b.joinedAt) - Math.max(a.lastActivity, a.joinedAt))
  }

  /** Creates a room with a fresh code and opens it. */
  async createRoom (): Promise<Room> {
    return await this.joinRoom(generateRoomCode().display)
  }

  /**
   * Joins (or reopens) the room a code names.
   * @throws InvalidRoomCodeError when the code is mistyped
   */
  async joinRoom (codeText: string): Promise<Room> {
    return await this.open(parseRoomCode(codeText))
  }

  /**
   * Connects ahead to the members of the room a code names, for someone about to join it (an
   * invitation on screen, while they type their name): `joinRoom` then finds them connected.
   * Before the network is attached, it is done when it is. A code that does not parse is left
   * for `joinRoom` to report.
   */
  prepareJoin (codeText: string): void {
    let code: RoomCode
    try {
      code = parseRoomCode(codeText)
    } catch {
      return
    }
    // A room is joined at its first epoch; `joinRoom` subscribes under the same rendezvous.
    const { rendezvous } = deriveEpochKeys(code, 0)
    if (this.transport === undefined) this.toPrepare = rendezvous
    else this.transport.prepare?.(rendezvous)
  }

  /** Reopens a stored room by id. */
  async openRoom (id: string): Promise<Room | undefined> {
    const open = this.rooms.get(id)
    if (open !== undefined) return await open
    const record = await this.components.store.getRoom(id)
    return record === undefined ? undefined : await this.open(roomCodeFromSecret(record.secret), record)
  }

  /**
   * `known`: the room's record when the caller just read it. It spares a database read and the
   * id's derivation, which on a cold start is a noticeable part of showing the room.
   */
  private async open (code: RoomCode, known?: RoomRecord): Promise<Room> {
    const id = known?.id ?? roomIdOf(code)
    const existing = this.rooms.get(id)
    if (existing !== undefined) return await existing
    // Registered before the first await, so a second open of the same room waits for this one.
    const opening = this.startRoom(id, code, known)
    this.rooms.set(id, opening)
    opening.catch(() => { this.rooms.delete(id) })
    return await opening
  }

  private async startRoom (id: string, code: RoomCode, known?: RoomRecord): Promise<Room> {
    const store = this.components.store
    let record = known ?? await store.getRoom(id)
    const firstJoin = record === undefined
    if (record === undefined) {
      const now = (this.components.now ?? Date.now)()
      record = { id, secret: code.secret, joinedAt: now, lastActivity: 0 }
      await store.putRoom(record)
    }
    const room = new Room({
      identity: this.identity,
      store,
      displayName: () => this.name,
      avatarColour: () => this.colour,
      sharedIdentity: () => this.shared,
      now: this.components.now
    }, record, this.components.roomInit)
    room.on('message', message => {
      this.emit('message', message)
      this.announceActivity()
    })
    room.on('contact', signal => { void this.loadContacts().then(async contacts => await contacts.receive(id, signal)) })
    // The room list shows rooms by name.
    room.on('renamed', () => { void this.announceRooms() })
    // Someone (back) in the room may hold a file nobody had a moment ago.
    room.on('peers', count => { if (count > 0) this.loadedFiles?.retryUnavailable() })
    // A deleted file is not kept on any member's device. Failing to drop it only leaves it stored.
    room.on('file-deleted', ({ fileId }) => { void this.loadFiles().then(async files => { await files.discard(fileId) }).catch(() => {}) })
    await room.start()
    if (this.transport !== undefined) room.attach(this.transport)
    // Stored first, like any message: it goes out whenever the room is first reachable.
    // A notice that cannot be stored is not worth failing the join for.
    if (firstJoin && this.notices) await room.announceMembership('joined').catch(() => {})
    await this.announceRooms()
    return room
  }

  /**
   * Leaves a room on this device: stops it (saying goodbye to the others) and forgets it, and its
   * history too when asked. Rejoining with a code works as for a new room.
   */
  async leaveRoom (id: string, options: LeaveRoomOptions = {}): Promise<void> {
    const opening = this.rooms.get(id)
    this.rooms.delete(id)
    const room = await opening?.catch(() => undefined)
    // Said before going: it reaches whoever is reachable now (and, through them, the others later).
    // Not in inboxes (others who hold the link would learn who asked) nor direct rooms.
    const record = await this.components.store.getRoom(id)
    const group = record !== undefined && record.hidden !== true && record.direct === undefined
    if (room !== undefined && !room.removed && group && this.notices) await room.announceMembership('left').catch(() => {})
    await room?.stop()
    await this.components.store.deleteRoom(id)
    if (options.deleteHistory === true) await this.components.store.deleteMessages(id)
    await this.announceRooms()
  }

  /** Changes a room's local settings (last read time, muted); announces the room list. */
  async updateRoom (id: string, settings: RoomSettings): Promise<RoomRecord | undefined> {
    const updated = await this.components.store.updateRoom(id, settings)
    if (updated !== undefined) await this.announceRooms()
    return updated
  }

  /** Stored messages matching `query`, newest first (see `Store.searchMessages`). */
  async searchMessages (query: string, options: SearchOptions = {}): Promise<MessageRecord[]> {
    return await this.components.store.searchMessages(query, options)
  }

  /**
   * A passphrase-sealed backup of the identity, its name, its rooms (the inbox and direct rooms
   * marked as such) and its contacts (see identity/backup.ts).
   */
  async exportBackup (passphrase: string, params?: KdfParams): Promise<string> {
    const rooms = (await this.components.store.listRooms()).filter(r => r.removedAt === undefined)
      .map(({ secret, epochs, hidden, direct, named }) => ({ secret, epochs, hidden, direct, named }))
    const contacts = await this.loadContacts()
    const { inbox } = await contacts.card()
    this.shared = true
    await this.components.store.putMeta(SHARED_KEY, true)
    const { MAX_BACKUP_CONTACTS, createBackup } = await import('../identity/backup.js')
    // Past the limit, the oldest of those who are only blocked or declined stay behind.
    const known = await contacts.all()
    const kept = [...known.filter(c => !settled(c)), ...known.filter(settled)].slice(0, MAX_BACKUP_CONTACTS)
    return await createBackup({ identity: this.identity, displayName: this.name, rooms, inbox, contacts: kept }, passphrase, params)
  }

  /** Connects every open room, now and later, to the network. */
  attachTransport (transport: Transport): void {
    this.transport = transport
    if (this.toPrepare !== undefined) transport.prepare?.(this.toPrepare)
    this.toPrepare = undefined
    // Loaded now, not on first use: peers may ask us for the files we hold.
    if (this.loadedFiles === undefined) void this.loadFiles()
    else this.loadedFiles.attach(transport.direct)
    for (const opening of this.rooms.values()) void opening.then(room => { room.attach(transport) })
  }

  async close (): Promise<void> {
    this.closed = true
    clearTimeout(this.activityTimer)
    this.loadedContacts?.stop()
    await Promise.all([...this.rooms.values()].map(async opening => { await (await opening).stop() }))
    this.rooms.clear()
  }

  /** Whether to post membership notices: asked for, and the user has a name to post them under. */
  private get notices (): boolean {
    return this.components.membershipNotices === true && this.name !== ''
  }

  /**
   * Tells listeners the room list. One reading of the store at a time: a call during a reading
   * makes it go round once more, so a burst of messages (a history sync answer) costs two
   * readings and two renders, not one each, and the last list sent is never stale.
   */
  private async announceRooms (): Promise<void> {
    this.roomsChanged = true
    if (this.announcingRooms !== undefined) return await this.announcingRooms
    this.announcingRooms = (async () => {
      while (this.roomsChanged) {
        this.roomsChanged = false
        this.roomsReadAt = performance.now()
        this.emit('rooms', await this.listRooms())
      }
    })().finally(() => { this.announcingRooms = undefined })
    await this.announcingRooms
  }

  /**
   * Announces the room list after activity in a room (a message in, out or changed), which moves
   * the room up the list: at once, unless the list was read less than ACTIVITY_LIST_SPACING_MS
   * ago; then once when that time is up, for all the activity in between.
   */
  private announceActivity (): void {
    if (this.activityTimer !== undefined) return
    const wait = this.roomsReadAt + ACTIVITY_LIST_SPACING_MS - performance.now()
    if (wait <= 0) {
      void this.announceRooms()
      return
    }
    this.activityTimer = setTimeout(() => {
      this.activityTimer = undefined
      void this.announceRooms()
    }, wait)
  }
}

/** A contact who is only blocked or declined: nothing is under way with them. */
function settled (contact: ContactRecord): boolean {
  return contact.state === 'none' || contact.state === 'declined'
}
