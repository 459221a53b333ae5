/**
 * Message kinds and the codecs of their bodies. A body is untrusted until decoded here: each
 * decoder returns a typed value or throws MalformedError/TooLargeError.
 *
 * Kinds this build does not know are still valid frames (a newer peer may send them); the room
 * ignores them instead of failing.
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes.js'
import { MalformedError, TooLargeError } from '../errors.js'
import { KEY_BYTES as KEY, MAX_NAME_BYTES, MAX_TEXT_BYTES } from './constants.js'
import { AVATAR_COLOURS, isAvatarColour } from '../identity/avatar-colours.js'

export const Kind = {
  /** A chat message; stored, numbered, sent on the sender's chain. */
  Text: 1,
  /** "I am here, this is my name and my session prekey"; ephemeral, never stored, seq 0. */
  Presence: 2,
  /** Sender-chain states for named members, each sealed to that member's prekey; ephemeral. */
  KeyShare: 3,
  /** A new epoch's code, sealed to each remaining member's identity key. */
  Rotate: 4,
  /** What the sender holds, per author (history sync); ephemeral. */
  SyncSummary: 5,
  /** "Send me these messages", addressed to one member; ephemeral. */
  SyncRequest: 6,
  /** Stored messages for one member, sealed to their prekey; ephemeral. */
  SyncData: 7,
  /** A new text for one of the author's own messages; stored, numbered, chained. */
  Edit: 8,
  /** Deletes one of the author's own messages (a tombstone stays); stored, numbered, chained. */
  Delete: 9,
  /** An emoji reaction to anyone's message, on or off; stored, numbered, chained. */
  Reaction: 10,
  /** The author is typing (or stopped); ephemeral, chained. */
  Typing: 11,
  /** How far the author has read, per author; ephemeral, chained. */
  Receipt: 12,
  /** A file or image: its id, key and description (content travels directly); stored, numbered, chained. */
  File: 13,
  /** A contact request, sealed to the one person it asks (contact-bodies.ts); ephemeral, plain. */
  ContactRequest: 14,
  /** Accepts or declines a contact request, sealed to the requester; ephemeral, plain. */
  ContactReply: 15,
  /** A chat message quoting another message; stored, numbered, chained (conversation-bodies.ts). */
  Reply: 16,
  /** "I joined" or "I left" the room; stored, numbered, chained (conversation-bodies.ts). */
  Membership: 17,
  /** Names the room for everyone in it (or clears its name); stored, numbered, chained (conversation-bodies.ts). */
  RoomName: 18
} as const

export type KnownKind = typeof Kind[keyof typeof Kind]

/** Whether messages of a kind are numbered and kept in history. */
export function isStoredKind (kind: number): boolean {
  return kind === Kind.Text || kind === Kind.Edit || kind === Kind.Delete || kind === Kind.Reaction ||
    kind === Kind.Reply || kind === Kind.Membership || kind === Kind.File || kind === Kind.RoomName
}

/** Whether a kind is a message people send (text, reply, file): shown, a target for reactions and deletion. */
export function isMessageKind (kind: number): boolean {
  return kind === Kind.Text || kind === Kind.Reply || kind === Kind.File
}

/** Whether a kind is content, which travels only on its author's sender chain. */
export function isChainedKind (kind: number): boolean {
  return isStoredKind(kind) || kind === Kind.Typing || kind === Kind.Receipt
}

export interface TextBody {
  /** The author's display name when they wrote it. */
  readonly name: string
  readonly text: string
}

export interface PresenceBody {
  readonly name: string
  /** false when the author is leaving the room. */
  readonly online: boolean
  /** The author's X25519 prekey for this session: key shares for them are sealed to it. */
  readonly prekey: Uint8Array
  /**
   * The author holds a frame it cannot read yet: members should share their chains again. Without
   * it, a member shares its chain once per prekey, not on every heartbeat.
   */
  readonly wantsKeys?: boolean
  /** The author's chosen avatar colour (see avatar-colours.ts); 0 or absent when not chosen. */
  readonly colour?: number
}

/** text body = nameLength(u8) | name | text */
export function encodeTextBody (body: TextBody): Uint8Array {
  const name = encodeName(body.name)
  const text = utf8(body.text)
  if (text.length === 0) throw new RangeError('"text" must not be empty')
  if (text.length > MAX_TEXT_BYTES) throw new TooLargeError(`Message is ${text.length} bytes; the limit is ${MAX_TEXT_BYTES}`)
  return concatBytes(Uint8Array.of(name.length), name, text)
}

export function decodeTextBody (bytes: Uint8Array): TextBody {
  const [name, rest] = decodeName(bytes)
  if (rest.length === 0) throw new MalformedError('Empty message text')
  if (rest.length > MAX_TEXT_BYTES) throw new TooLargeError(`Message text is ${rest.length} bytes; the limit is ${MAX_TEXT_BYTES}`)
  return { name, text: decodeUtf8(rest, 'text') }
}

const PRESENCE_ONLINE = 1
const PRESENCE_WANTS_KEYS = 2

/**
 * presence body = nameLength(u8) | name | flags(u8: bit 0 online, bit 1 wants keys) | prekey(32) [| colour(u8)]
 *
 * The colour byte is optional and only sent when a colour was chosen, so a body without it (from
 * an older peer, or a user who never chose) still decodes, and peers that predate it still read
 * the presence of everyone who keeps the default.
 */
export function encodePresenceBody (body: PresenceBody): Uint8Array {
  const name = encodeName(body.name)
  if (body.prekey.length !== KEY) throw new RangeError(`"prekey" expected ${KEY} bytes, got ${body.prekey.length}`)
  const colour = body.colour ?? 0
  if (!isAvatarColour(colour)) throw new RangeError(`"colour" expected 0..${AVATAR_COLOURS.length}, got ${colour}`)
  const flags = (body.online ? PRESENCE_ONLINE : 0) | (body.wantsKeys === true ? PRESENCE_WANTS_KEYS : 0)
  return concatBytes(Uint8Array.of(name.length), name, Uint8Array.of(flags), body.prekey,
    colour === 0 ? new Uint8Array() : Uint8Array.of(colour))
}

export function decodePresenceBody (bytes: Uint8Array): PresenceBody {
  const [name, rest] = decodeName(bytes)
  const flags = rest[0]
  if ((rest.length !== 1 + KEY && rest.length !== 2 + KEY) || (flags & ~(PRESENCE_ONLINE | PRESENCE_WANTS_KEYS)) !== 0) {
    throw new MalformedError('Presence must end with a flags byte (bits 0 and 1), a 32-byte prekey and at most a colour byte')
  }
  const colour = rest.length === 2 + KEY ? rest[1 + KEY] : 0
  // "Not chosen" is sent as no byte at all, so a 0 byte is not from an honest encoder.
  if (rest.length === 2 + KEY && colour === 0) throw new MalformedError('An avatar colour byte must not be 0')
  const body: PresenceBody = {
    name,
    online: (flags & PRESENCE_ONLINE) !== 0,
    prekey: rest.slice(1, 1 + KEY),
    ...((flags & PRESENCE_WANTS_KEYS) !== 0 ? { wantsKeys: true } : {})
  }
  // A colour from a newer, longer palette is shown as the default rather than losing the presence.
  return colour !== 0 && isAvatarColour(colour) ? { ...body, colour } : body
}

/** One member's copy of a sender chain, sealed to their prekey. */
export interface KeyShareEntry {
  readonly recipient: Uint8Array
  readonly prekey: Uint8Array
  readonly ephemeral: Uint8Array
  readonly ciphertext: Uint8Array
}

/** Sealed chain state: chainId(8) | index(u32) | chainKey(32), plus the AEAD tag. */
export const KEY_SHARE_CIPHERTEXT_BYTES = 8 + 4 + 32 + 16
const KEY_SHARE_ENTRY_BYTES = KEY * 3 + KEY_SHARE_CIPHERTEXT_BYTES
export const MAX_KEY_SHARE_ENTRIES = 64

/** key share body = count(u8) | { recipient(32) | prekey(32) | ephemeral(32) | ciphertext(60) }* */
export function encodeKeyShareBody (entries: KeyShareEntry[]): Uint8Array {
  if (entries.length === 0 || entries.length > MAX_KEY_SHARE_ENTRIES) {
    throw new RangeError(`A key share holds 1..${MAX_KEY_SHARE_ENTRIES} entries, got ${entries.length}`)
  }
  return concatBytes(Uint8Array.of(entries.length), ...entries.flatMap(e => {
    if (e.ciphertext.length !== KEY_SHARE_CIPHERTEXT_BYTES) throw new RangeError('key share ciphertext has the wrong length')
    return [e.recipient, e.prekey, e.ephemeral, e.ciphertext]
  }))
}

export function decodeKeyShareBody (bytes: Uint8Array): KeyShareEntry[] {
  if (bytes.length < 1) throw new MalformedError('Key share is empty')
  const count = bytes[0]
  if (count === 0 || count > MAX_KEY_SHARE_ENTRIES) throw new MalformedError(`Key share entry count ${count} is out of range`)
  if (bytes.length !== 1 + count * KEY_SHARE_ENTRY_BYTES) throw new MalformedError('Key share length does not match its entry count')
  const entries: KeyShareEntry[] = []
  for (let i = 0, o = 1; i < count; i++, o += KEY_SHARE_ENTRY_BYTES) {
    entries.push({
      recipient: bytes.slice(o, o + KEY),
      prekey: bytes.slice(o + KEY, o + 2 * KEY),
      ephemeral: bytes.slice(o + 2 * KEY, o + 3 * KEY),
      ciphertext: bytes.slice(o + 3 * KEY, o + KEY_SHARE_ENTRY_BYTES)
    })
  }
  return entries
}

/** One remaining member's copy of the new epoch's code, sealed to their identity key. */
export interface RotateEntry {
  readonly recipient: Uint8Array
  readonly ephemeral: Uint8Array
  readonly ciphertext: Uint8Array
}

export interface RotateBody {
  /** The new epoch's number: the current one plus one. */
  readonly epoch: number
  /** Identity keys of the members removed by this rotation. */
  readonly removed: Uint8Array[]
  readonly entries: RotateEntry[]
}

/** Sealed code secret: 26 ASCII characters, plus the AEAD tag. */
export const ROTATE_CIPHERTEXT_BYTES = 26 + 16
const ROTATE_ENTRY_BYTES = KEY * 2 + ROTATE_CIPHERTEXT_BYTES
export const MAX_ROTATE_ENTRIES = 256
export const MAX_REMOVED = 64

/** rotate body = epoch(u32) | removedCount(u8) | removed(32)* | entryCount(u16) | { recipient(32) | ephemeral(32) | ciphertext(42) }* */
export function encodeRotateBody (body: RotateBody): Uint8Array {
  if (body.removed.length > MAX_REMOVED) throw new RangeError(`At most ${MAX_REMOVED} members can be removed at once`)
  if (body.entries.length > MAX_ROTATE_ENTRIES) throw new RangeError(`At most ${MAX_ROTATE_ENTRIES} members per rotation`)
  const head = new Uint8Array(5)
  new DataView(head.buffer).setUint32(0, body.epoch)
  head[4] = body.removed.length
  const count = new Uint8Array(2)
  new DataView(count.buffer).setUint16(0, body.entries.length)
  return concatBytes(head, ...body.removed, count, ...body.entries.flatMap(e => [e.recipient, e.ephemeral, e.ciphertext]))
}

export function decodeRotateBody (bytes: Uint8Array): RotateBody {
  if (bytes.length < 7) throw new MalformedError('Rotation is truncated')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const epoch = view.getUint32(0)
  const removedCount = bytes[4]
  if (removedCount > MAX_REMOVED) throw new MalformedError('Too many removed members')
  let o = 5
  const removed: Uint8Array[] = []
  if (bytes.length < o + removedCount * KEY + 2) throw new MalformedError('Rotation is truncated')
  for (let i = 0; i < removedCount; i++, o += KEY) removed.push(bytes.slice(o, o + KEY))
  const entryCount = view.getUint16(o)
  o += 2
  if (entryCount > MAX_ROTATE_ENTRIES) throw new MalformedError('Too many rotation entries')
  if (bytes.length !== o + entryCount * ROTATE_ENTRY_BYTES) throw new MalformedError('Rotation length does not match its entry count')
  const entries: RotateEntry[] = []
  for (let i = 0; i < entryCount; i++, o += ROTATE_ENTRY_BYTES) {
    entries.push({
      recipient: bytes.slice(o, o + KEY),
      ephemeral: bytes.slice(o + KEY, o + 2 * KEY),
      ciphertext: bytes.slice(o + 2 * KEY, o + ROTATE_ENTRY_BYTES)
    })
  }
  return { epoch, removed, entries }
}

/** Trims and bounds a display name; throws when nothing is left. */
export function normaliseName (name: string): string {
  const trimmed = name.replace(/\s+/g, ' ').trim()
  if (trimmed.length === 0) throw new RangeError('A display name must not be empty')
  let out = ''
  for (const ch of trimmed) {
    if (utf8(out + ch).length > MAX_NAME_BYTES) break
    out += ch
  }
  return out.trimEnd()
}

export function encodeName (name: string): Uint8Array {
  const bytes = utf8(name)
  if (bytes.length === 0 || bytes.length > MAX_NAME_BYTES) {
    throw new RangeError(`"name" expected 1..${MAX_NAME_BYTES} UTF-8 bytes, got ${bytes.length}`)
  }
  return bytes
}

export function decodeName (bytes: Uint8Array): [string, Uint8Array] {
  if (bytes.length < 1) throw new MalformedError('Body is empty')
  const length = bytes[0]
  if (length === 0 || length > MAX_NAME_BYTES) throw new MalformedError(`Name length ${length} is out of range`)
  if (bytes.length < 1 + length) throw new MalformedError('Name is truncated')
  return [decodeUtf8(bytes.subarray(1, 1 + length), 'name'), bytes.subarray(1 + length)]
}

export function decodeUtf8 (bytes: Uint8Array, field: string): string {
  try {
    return fromUtf8(bytes)
  } catch {
    throw new MalformedError(`"${field}" is not valid UTF-8`)
  }
}
