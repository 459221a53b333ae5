/**
 * Bodies of contact requests (kind 14) and their replies (kind 15). Both are sealed to the one
 * person they are for (X25519 with their identity key, see crypto/pairwise.ts), so the other
 * members of the room they travel in, and anyone else holding the same inbox link, see only
 * that a sealed note went by.
 *
 * ```
 * sealed body     = ephemeral(32) | ciphertext
 * request (plain) = version(u8 = 1) | requestId(16) | nameLength(u8) | name
 * reply   (plain) = version(u8 = 1) | requestId(16) | decision(u8: 1 accept, 2 decline)
 * ```
 * The box's context names the kind, the signed author and the recipient: a sealed body copied
 * into a message signed by someone else no longer opens, so nobody can pass off another
 * person's request as their own.
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes.js'
import { MalformedError, TooLargeError, UnsupportedVersionError } from '../errors.js'
import { KEY_BYTES as KEY, MAX_NAME_BYTES } from './constants.js'

export const CONTACT_BODY_VERSION = 1
export const REQUEST_ID_BYTES = 16
const TAG_BYTES = 16
/** Largest sealed plaintext: a request with the longest name. */
const MAX_PLAINTEXT_BYTES = 1 + REQUEST_ID_BYTES + 1 + MAX_NAME_BYTES
const MIN_PLAINTEXT_BYTES = 1 + REQUEST_ID_BYTES + 1

export interface SealedContactBody {
  readonly ephemeral: Uint8Array
  readonly ciphertext: Uint8Array
}

export interface ContactRequestBody {
  /** Stays the same when the request is sent again, so a reply can name it. */
  readonly requestId: Uint8Array
  /** The requester's display name. */
  readonly name: string
}

export type ContactDecision = 'accept' | 'decline'

export interface ContactReplyBody {
  readonly requestId: Uint8Array
  readonly decision: ContactDecision
}

export function encodeSealedContactBody (body: SealedContactBody): Uint8Array {
  if (body.ephemeral.length !== KEY) throw new RangeError(`"ephemeral" expected ${KEY} bytes, got ${body.ephemeral.length}`)
  return concatBytes(body.ephemeral, body.ciphertext)
}

/** Checks the outer shape (what any member can check); the content is for the recipient only. */
export function decodeSealedContactBody (bytes: Uint8Array): SealedContactBody {
  const sealed = bytes.length - KEY
  if (sealed > MAX_PLAINTEXT_BYTES + TAG_BYTES) throw new TooLargeError('Contact note is over the limit')
  if (sealed < MIN_PLAINTEXT_BYTES + TAG_BYTES) throw new MalformedError('Contact note is truncated')
  return { ephemeral: bytes.slice(0, KEY), ciphertext: bytes.slice(KEY) }
}

export function encodeContactRequest (body: ContactRequestBody): Uint8Array {
  checkRequestId(body.requestId)
  const name = utf8(body.name)
  if (name.length === 0 || name.length > MAX_NAME_BYTES) {
    throw new RangeError(`"name" expected 1..${MAX_NAME_BYTES} UTF-8 bytes, got ${name.length}`)
  }
  return concatBytes(Uint8Array.of(CONTACT_BODY_VERSION), body.requestId, Uint8Array.of(name.length), name)
}

export function decodeContactRequest (bytes: Uint8Array): ContactRequestBody {
  const requestId = readHeader(bytes, 'Contact request')
  const rest = bytes.subarray(1 + REQUEST_ID_BYTES)
  if (rest.length < 1) throw new MalformedError('Contact request has no name')
  const length = rest[0]
  if (length === 0 || length > MAX_NAME_BYTES) throw new MalformedError(`Name length ${length} is out of range`)
  if (rest.length !== 1 + length) throw new MalformedError('Contact request name length does not match')
  let name: string
  try {
    name = fromUtf8(rest.subarray(1))
  } catch {
    throw new MalformedError('"name" is not valid UTF-8')
  }
  if (name.trim() === '') throw new MalformedError('Contact request name is blank')
  return { requestId, name }
}

export function encodeContactReply (body: ContactReplyBody): Uint8Array {
  checkRequestId(body.requestId)
  return concatBytes(Uint8Array.of(CONTACT_BODY_VERSION), body.requestId, Uint8Array.of(body.decision === 'accept' ? 1 : 2))
}

export function decodeContactReply (bytes: Uint8Array): ContactReplyBody {
  const requestId = readHeader(bytes, 'Contact reply')
  if (bytes.length !== 1 + REQUEST_ID_BYTES + 1) throw new MalformedError('Contact reply has the wrong length')
  const decision = bytes[1 + REQUEST_ID_BYTES]
  if (decision !== 1 && decision !== 2) throw new MalformedError(`Contact reply decision must be 1 or 2, got ${decision}`)
  return { requestId, decision: decision === 1 ? 'accept' : 'decline' }
}

function readHeader (bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length < 1 + REQUEST_ID_BYTES) throw new MalformedError(`${what} is truncated`)
  if (bytes[0] !== CONTACT_BODY_VERSION) throw new UnsupportedVersionError(`${what} version ${bytes[0]} is not supported`)
  return bytes.slice(1, 1 + REQUEST_ID_BYTES)
}

function checkRequestId (id: Uint8Array): void {
  if (id.length !== REQUEST_ID_BYTES) throw new RangeError(`"requestId" expected ${REQUEST_ID_BYTES} bytes, got ${id.length}`)
}
