/**
 * An identity backup: what another device needs to become this person, sealed under a
 * passphrase (`passphrase-box.ts`: scrypt + XChaCha20-Poly1305). One text form serves as the
 * downloaded file and as text to copy:
 *
 *   -----BEGIN MESHCHAT BACKUP-----
 *   base64 of the sealed box, 64 characters a line
 *   -----END MESHCHAT BACKUP-----
 *
 * Inside the box is a versioned record of tagged fields, so later versions can add fields (such
 * as contacts) that this version skips:
 *
 *   record = version(1) | { tag(1) | length(u16) | value }*
 *   tags: 1 secret key (32 bytes, once), 2 display name (UTF-8, once), 3 room code secret (UTF-8,
 *   repeated), 4 the preceding room's epochs (JSON: number, code secret, rotation), when its code
 *   changed, 5 the preceding room's marks (JSON: hidden, direct, named), when it has any, 6 the inbox
 *   room's code secret (UTF-8, once), 7 a contact (JSON, repeated)
 *
 * Backups made before tags 5-7 existed restore every room as an ordinary one and no contacts.
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes.js'
import { MalformedError, TooLargeError, UnsupportedVersionError } from '../errors.js'
import { MAX_NAME_BYTES } from '../protocol/constants.js'
import { REQUEST_ID_BYTES } from '../protocol/contact-bodies.js'
import { DEFAULT_KDF, MIN_BOX_BYTES, openWithPassphrase, sealWithPassphrase } from '../crypto/passphrase-box.js'
import type { KdfParams } from '../crypto/passphrase-box.js'
import { identityFromSecretKey } from './identity.js'
import type { Identity } from './identity.js'
import type { StoredEpoch } from '../room/epochs.js'
import type { RoomNaming } from '../store/store.js'
import type { ContactState } from '../contacts/contacts.js'

export { WrongPassphraseError } from '../crypto/passphrase-box.js'

/** What a backup carries. */
export interface BackupContents {
  readonly identity: Identity
  readonly displayName: string
  readonly rooms: BackupRoom[]
  /** Code secret of the room where contact requests arrive: the contact link stays the same. */
  readonly inbox?: string
  readonly contacts?: BackupContact[]
}

export interface BackupRoom {
  /** Canonical secret of the code the room was joined with. */
  readonly secret: string
  /** Every epoch known, when the room's code changed since (without the signed rotations). */
  readonly epochs?: StoredEpoch[]
  /** Kept out of the room list: an inbox. */
  readonly hidden?: boolean
  /** A direct room: the other person's public key, hex. */
  readonly direct?: string
  /** The name its members gave the room, so it shows before history sync brings it again. */
  readonly named?: RoomNaming
}

/** A contact as a backup keeps it: what the device cannot work out again from the keys. */
export interface BackupContact {
  /** Ed25519 public key, hex. */
  readonly key: string
  readonly name: string
  readonly state: ContactState
  readonly blocked: boolean
  readonly verified: boolean
  readonly addedAt: number
  /** Id of the room a request went through or came from. */
  readonly via?: string
  /** The open request's id, hex. */
  readonly requestId?: string
}

const RECORD_VERSION = 1
const CONTEXT = 'meshchat/backup/v1'
const BEGIN = '-----BEGIN MESHCHAT BACKUP-----'
const END = '-----END MESHCHAT BACKUP-----'
/** Largest backup text accepted (1,000 rooms are about 60 KiB; 1,000 contacts about 400 KiB). */
export const MAX_BACKUP_CHARS = 1024 * 1024
export const MAX_BACKUP_ROOMS = 1_000
export const MAX_BACKUP_CONTACTS = 1_000
const MAX_ROOM_SECRET_BYTES = 64
const MAX_EPOCHS = 200
const CONTACT_STATES: readonly ContactState[] = ['requested', 'incoming', 'accepted', 'declined', 'none']

const Tag = { SecretKey: 1, Name: 2, Room: 3, RoomEpochs: 4, RoomMarks: 5, Inbox: 6, Contact: 7 } as const

/** Seals the contents under `passphrase` and returns the backup text. */
export async function createBackup (contents: BackupContents, passphrase: string, params: KdfParams = DEFAULT_KDF): Promise<string> {
  if (contents.rooms.length > MAX_BACKUP_ROOMS) throw new RangeError(`A backup holds at most ${MAX_BACKUP_ROOMS} rooms, got ${contents.rooms.length}`)
  if ((contents.contacts?.length ?? 0) > MAX_BACKUP_CONTACTS) throw new RangeError(`A backup holds at most ${MAX_BACKUP_CONTACTS} contacts, got ${contents.contacts?.length}`)
  const box = await sealWithPassphrase(encodeRecord(contents), passphrase, CONTEXT, params)
  const lines = toBase64(box).match(/.{1,64}/g) ?? []
  return [BEGIN, ...lines, END, ''].join('\n')
}

/**
 * Opens a backup text with its passphrase.
 * @throws MalformedError when the text is not a backup, or is cut short
 * @throws TooLargeError when it is larger than any backup this app makes
 * @throws WrongPassphraseError when the passphrase is wrong or the backup was changed
 */
export async function openBackup (text: string, passphrase: string): Promise<BackupContents> {
  if (typeof text !== 'string') throw new TypeError('"text" expected a string')
  if (text.length > MAX_BACKUP_CHARS) throw new TooLargeError(`A backup is at most ${MAX_BACKUP_CHARS / 1024} KiB; this is ${Math.ceil(text.length / 1024)} KiB`)
  const begin = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  if (begin < 0) throw new MalformedError('This is not a Meshchat backup (its first line is missing)')
  if (end < begin) throw new MalformedError('The backup is cut short (its last line is missing)')
  const box = fromBase64(text.slice(begin + BEGIN.length, end).replace(/\s+/g, ''))
  if (box.length < MIN_BOX_BYTES) throw new MalformedError('The backup is cut short')
  return decodeRecord(await openWithPassphrase(box, passphrase, CONTEXT))
}

function encodeRecord (contents: BackupContents): Uint8Array {
  const name = utf8(contents.displayName)
  if (name.length > MAX_NAME_BYTES) throw new RangeError(`A display name is at most ${MAX_NAME_BYTES} bytes`)
  const fields = [field(Tag.SecretKey, contents.identity.secretKey), field(Tag.Name, name)]
  for (const room of contents.rooms) {
    const secret = utf8(room.secret)
    if (secret.length === 0 || secret.length > MAX_ROOM_SECRET_BYTES) throw new RangeError('A room secret is 1..64 bytes')
    fields.push(field(Tag.Room, secret))
    if (room.epochs !== undefined && room.epochs.length > 0) {
      // The signed rotations stay behind: they are only kept to hand on to members who were away.
      const epochs = room.epochs.slice(0, MAX_EPOCHS).map(({ number, secret, rotation }) => ({
        number, secret, ...(rotation !== undefined ? { rotation: { author: rotation.author, removed: rotation.removed, digest: rotation.digest, parent: rotation.parent } } : {})
      }))
      fields.push(field(Tag.RoomEpochs, utf8(JSON.stringify(epochs))))
    }
    if (room.hidden === true || room.direct !== undefined || room.named !== undefined) {
      fields.push(field(Tag.RoomMarks, utf8(JSON.stringify({ hidden: room.hidden, direct: room.direct, named: room.named }))))
    }
  }
  if (contents.inbox !== undefined) fields.push(field(Tag.Inbox, utf8(contents.inbox)))
  for (const { key, name, state, blocked, verified, addedAt, via, requestId } of contents.contacts ?? []) {
    fields.push(field(Tag.Contact, utf8(JSON.stringify({ key, name, state, blocked, verified, addedAt, via, requestId }))))
  }
  return concatBytes(Uint8Array.of(RECORD_VERSION), ...fields)
}

function field (tag: number, value: Uint8Array): Uint8Array {
  const header = new Uint8Array(3)
  header[0] = tag
  new DataView(header.buffer).setUint16(1, value.length)
  return concatBytes(header, value)
}

/** Reads the record; unknown tags are skipped (a newer version's fields). */
function decodeRecord (bytes: Uint8Array): BackupContents {
  if (bytes.length < 1) throw new MalformedError('The backup is empty')
  if (bytes[0] !== RECORD_VERSION) throw new UnsupportedVersionError(`The backup has version ${bytes[0]}; this app reads version ${RECORD_VERSION}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let secretKey: Uint8Array | undefined
  let displayName: string | undefined
  let inbox: string | undefined
  const rooms: BackupRoom[] = []
  const contacts: BackupContact[] = []
  let o = 1
  while (o < bytes.length) {
    if (o + 3 > bytes.length) throw new MalformedError('The backup ends inside a field')
    const tag = bytes[o]
    const length = view.getUint16(o + 1)
    o += 3
    if (o + length > bytes.length) throw new MalformedError('The backup ends inside a field')
    const value = bytes.slice(o, o + length)
    o += length
    switch (tag) {
      case Tag.SecretKey:
        if (secretKey !== undefined || length !== 32) throw new MalformedError('The backup has a bad secret key field')
        secretKey = value
        break
      case Tag.Name:
        if (displayName !== undefined || length > MAX_NAME_BYTES) throw new MalformedError('The backup has a bad name field')
        displayName = fromUtf8(value)
        break
      case Tag.Room:
        if (length === 0 || length > MAX_ROOM_SECRET_BYTES) throw new MalformedError('The backup has a bad room field')
        if (rooms.length >= MAX_BACKUP_ROOMS) throw new TooLargeError(`A backup holds at most ${MAX_BACKUP_ROOMS} rooms`)
        rooms.push({ secret: fromUtf8(value) })
        break
      case Tag.RoomEpochs: {
        const last = rooms.length - 1
        if (last < 0 || rooms[last].epochs !== undefined) throw new MalformedError('The backup has a bad room epochs field')
        rooms[last] = { ...rooms[last], epochs: parseEpochs(value) }
        break
      }
      case Tag.RoomMarks: {
        const last = rooms.length - 1
        if (last < 0 || rooms[last].hidden !== undefined || rooms[last].direct !== undefined || rooms[last].named !== undefined) {
          throw new MalformedError('The backup has a bad room marks field')
        }
        rooms[last] = { ...rooms[last], ...parseRoomMarks(value) }
        break
      }
      case Tag.Inbox:
        if (inbox !== undefined || length === 0 || length > MAX_ROOM_SECRET_BYTES) throw new MalformedError('The backup has a bad inbox field')
        inbox = fromUtf8(value)
        break
      case Tag.Contact:
        if (contacts.length >= MAX_BACKUP_CONTACTS) throw new TooLargeError(`A backup holds at most ${MAX_BACKUP_CONTACTS} contacts`)
        contacts.push(parseContact(value))
        break
      default:
        break // a field from a newer version
    }
  }
  if (secretKey === undefined) throw new MalformedError('The backup holds no secret key')
  return {
    identity: identityFromSecretKey(secretKey),
    displayName: displayName ?? '',
    rooms,
    ...(inbox !== undefined ? { inbox } : {}),
    ...(contacts.length > 0 ? { contacts } : {})
  }
}

function parseJson (value: Uint8Array, what: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(fromUtf8(value))
  } catch {
    throw new MalformedError(`The backup has an unreadable ${what}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MalformedError(`The backup has a bad ${what}`)
  return parsed as Record<string, unknown>
}

function isHex (value: unknown, chars: number): value is string {
  return typeof value === 'string' && value.length === chars && /^[0-9a-f]*$/.test(value)
}

function parseRoomMarks (value: Uint8Array): Pick<BackupRoom, 'hidden' | 'direct' | 'named'> {
  const { hidden, direct, named } = parseJson(value, 'room marks field')
  const n = named as Record<string, unknown> | undefined
  const namedOk = n === undefined || (typeof n === 'object' && n !== null && typeof n.name === 'string' && utf8(n.name).length <= MAX_NAME_BYTES &&
    typeof n.at === 'number' && Number.isFinite(n.at) && isHex(n.by, 64) && Number.isInteger(n.seq) && (n.seq as number) >= 1)
  if ((hidden !== undefined && hidden !== true) || (direct !== undefined && !isHex(direct, 64)) || !namedOk) {
    throw new MalformedError('The backup has a bad room marks field')
  }
  return {
    ...(hidden === true ? { hidden } : {}),
    ...(direct !== undefined ? { direct } : {}),
    ...(n !== undefined ? { named: { name: n.name as string, at: n.at as number, by: n.by as string, seq: n.seq as number } } : {})
  }
}

function parseContact (value: Uint8Array): BackupContact {
  const c = parseJson(value, 'contact')
  const ok = isHex(c.key, 64) && typeof c.name === 'string' && utf8(c.name).length <= MAX_NAME_BYTES &&
    CONTACT_STATES.includes(c.state as ContactState) && typeof c.blocked === 'boolean' && typeof c.verified === 'boolean' &&
    typeof c.addedAt === 'number' && Number.isFinite(c.addedAt) && c.addedAt >= 0 &&
    (c.via === undefined || isHex(c.via, 64)) && (c.requestId === undefined || isHex(c.requestId, 2 * REQUEST_ID_BYTES))
  if (!ok) throw new MalformedError('The backup has a bad contact')
  const contact = c as unknown as BackupContact
  return {
    key: contact.key,
    name: contact.name,
    state: contact.state,
    blocked: contact.blocked,
    verified: contact.verified,
    addedAt: contact.addedAt,
    ...(contact.via !== undefined ? { via: contact.via } : {}),
    ...(contact.requestId !== undefined ? { requestId: contact.requestId } : {})
  }
}

/** Checks the shape of a room's epochs; codes themselves are checked when the room is restored. */
function parseEpochs (value: Uint8Array): StoredEpoch[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(fromUtf8(value))
  } catch {
    throw new MalformedError('The backup has unreadable room epochs')
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_EPOCHS) throw new MalformedError('The backup has bad room epochs')
  return parsed.map((e: Record<string, unknown>) => {
    const rotation = e?.rotation as Record<string, unknown> | undefined
    const ok = typeof e === 'object' && e !== null && Number.isInteger(e.number) && (e.number as number) >= 0 &&
      typeof e.secret === 'string' && e.secret.length <= MAX_ROOM_SECRET_BYTES &&
      (rotation === undefined || (isHex(rotation.author, 64) && isHex(rotation.digest, 64) && isHex(rotation.parent, 16) &&
        Array.isArray(rotation.removed) && rotation.removed.length <= 64 && rotation.removed.every(k => isHex(k, 64))))
    if (!ok) throw new MalformedError('The backup has a bad room epoch')
    return {
      number: e.number as number,
      secret: e.secret as string,
      ...(rotation !== undefined ? { rotation: { author: rotation.author as string, removed: rotation.removed as string[], digest: rotation.digest as string, parent: rotation.parent as string } } : {})
    }
  })
}

function toBase64 (bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

function fromBase64 (text: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new MalformedError('The backup is damaged: it has characters that do not belong, or is cut short')
  }
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
