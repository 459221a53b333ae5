/**
 * Message kinds and the codecs of their bodies. A body is untrusted until decoded here: each
 * decoder returns a typed value or throws MalformedError/TooLargeError.
 *
 * Kinds this build does not know are still valid frames (a newer peer may send them); the room
 * ignores them instead of failing.
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes.js'
import { MalformedError, TooLargeError } from '../errors.js'
import { MAX_NAME_BYTES, MAX_TEXT_BYTES } from './constants.js'

export const Kind = {
  /** A chat message; stored, numbered. */
  Text: 1,
  /** "I am here, and this is my name"; ephemeral, never stored, seq 0. */
  Presence: 2
} as const

export type KnownKind = typeof Kind[keyof typeof Kind]

/** Whether messages of a kind are numbered and kept in history. */
export function isStoredKind (kind: number): boolean {
  return kind === Kind.Text
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

/** presence body = nameLength(u8) | name | online(u8: 0 or 1) */
export function encodePresenceBody (body: PresenceBody): Uint8Array {
  const name = encodeName(body.name)
  return concatBytes(Uint8Array.of(name.length), name, Uint8Array.of(body.online ? 1 : 0))
}

export function decodePresenceBody (bytes: Uint8Array): PresenceBody {
  const [name, rest] = decodeName(bytes)
  if (rest.length !== 1 || rest[0] > 1) throw new MalformedError('Presence flag must be one byte, 0 or 1')
  return { name, online: rest[0] === 1 }
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

function encodeName (name: string): Uint8Array {
  const bytes = utf8(name)
  if (bytes.length === 0 || bytes.length > MAX_NAME_BYTES) {
    throw new RangeError(`"name" expected 1..${MAX_NAME_BYTES} UTF-8 bytes, got ${bytes.length}`)
  }
  return bytes
}

function decodeName (bytes: Uint8Array): [string, Uint8Array] {
  if (bytes.length < 1) throw new MalformedError('Body is empty')
  const length = bytes[0]
  if (length === 0 || length > MAX_NAME_BYTES) throw new MalformedError(`Name length ${length} is out of range`)
  if (bytes.length < 1 + length) throw new MalformedError('Name is truncated')
  return [decodeUtf8(bytes.subarray(1, 1 + length), 'name'), bytes.subarray(1 + length)]
}

function decodeUtf8 (bytes: Uint8Array, field: string): string {
  try {
    return fromUtf8(bytes)
  } catch {
    throw new MalformedError(`"${field}" is not valid UTF-8`)
  }
}
