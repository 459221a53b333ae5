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
 *   repeated), 4 the preceding room's epochs (JSON: number, code secret, rotation), when its code changed
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes.js'
import { MalformedError, TooLargeError, UnsupportedVersionError } from '../errors.js'
import { MAX_NAME_BYTES } from '../protocol/constants.js'
import { DEFAULT_KDF, MIN_BOX_BYTES, openWithPassphrase, sealWithPassphrase } from '../crypto/passphrase-box.js'
import type { KdfParams } from '../crypto/passphrase-box.js'
import { identityFromSecretKey } from './identity.js'
import type { Identity } from './identity.js'
import type { StoredEpoch } from '../room/epochs.js'

export { WrongPassphraseError } from '../crypto/passphrase-box.js'

/** What a backup carries. */
export interface BackupContents {
  readonly identity: Identity
  readonly displayName: string
  readonly rooms: BackupRoom[]
}

export interface BackupRoom {
  /** Canonical secret of the code the room was joined with. */
  readonly secret: string
  /** Every epoch known, when the room's code changed since (without the signed rotations). */
  readonly epochs?: StoredEpoch[]
}

const RECORD_VERSION = 1
const CONTEXT = 'meshchat/backup/v1'
const BEGIN = '-----BEGIN MESHCHAT BACKUP-----'
const END = '-----END MESHCHAT BACKUP-----'
/** Largest backup text accepted (a backup of 1,000 rooms is about 60 KiB). */
export const MAX_BACKUP_CHARS = 256 * 1024
export const MAX_BACKUP_ROOMS = 1_000
const MAX_ROOM_SECRET_BYTES = 64
const MAX_EPOCHS = 200

const Tag = { SecretKey: 1, Name: 2, Room: 3, RoomEpochs: 4 } as const

/** Seals the contents under `passphrase` and returns the backup text. */
export async function createBackup (contents: BackupContents, passphrase: string, params: KdfParams = DEFAULT_KDF): Promise<string> {
  if (contents.rooms.length > MAX_BACKUP_ROOMS) throw new RangeError(`A backup holds at most ${MAX_BACKUP_ROOMS} rooms, got ${contents.rooms.length}`)
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
  const rooms: BackupRoom[] = []
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
        rooms[last] = { secret: rooms[last].secret, epochs: parseEpochs(value) }
        break
      }
      default:
        break // a field from a newer version
    }
  }
  if (secretKey === undefined) throw new MalformedError('The backup holds no secret key')
  return { identity: identityFromSecretKey(secretKey), displayName: displayName ?? '', rooms }
}

/** Checks the shape of a room's epochs; codes themselves are checked when the room is restored. */
function parseEpochs (value: Uint8Array): StoredEpoch[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(fromUtf8(value))
  } catch {
    throw new MalformedError('The backup has unreadable room epochs')
  }
  const hex = (v: unknown, chars: number): v is string => typeof v === 'string' && v.length === chars && /^[0-9a-f]*$/.test(v)
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_EPOCHS) throw new MalformedError('The backup has bad room epochs')
  return parsed.map((e: Record<string, unknown>) => {
    const rotation = e?.rotation as Record<string, unknown> | undefined
    const ok = typeof e === 'object' && e !== null && Number.isInteger(e.number) && (e.number as number) >= 0 &&
      typeof e.secret === 'string' && e.secret.length <= MAX_ROOM_SECRET_BYTES &&
      (rotation === undefined || (hex(rotation.author, 64) && hex(rotation.digest, 64) && hex(rotation.parent, 16) &&
        Array.isArray(rotation.removed) && rotation.removed.length <= 64 && rotation.removed.every(k => hex(k, 64))))
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
