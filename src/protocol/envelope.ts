/**
 * The wire envelope. A message is signed by its author, then the signed bytes are encrypted
 * under the room key:
 *
 * ```
 * frame     = version(1) | nonce(24) | XChaCha20-Poly1305(messageKey, nonce, signed, aad)
 * signed    = kind(1) | author(32) | seq(u64) | timestamp(u64 ms) | bodyLength(u32) | body | signature(64)
 * signature = Ed25519(author, "meshchat/message/v1" | roomId | signed-without-signature)
 * aad       = "meshchat/frame/v1" | roomId | version
 * ```
 *
 * Sign-then-encrypt hides the author from anyone without the room key; the room id inside the
 * signature means a member cannot move a message into another room, even one they belong to.
 * `openFrame` is stateless; replays are caught by the room, which knows what it already holds.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { assertBytes, concatBytes, utf8 } from '../bytes.js'
import { BadSignatureError, DecryptError, MalformedError, TooLargeError, UnsupportedVersionError } from '../errors.js'
import { sign, verify } from '../identity/identity.js'
import type { Identity } from '../identity/identity.js'
import {
  FRAME_CONTEXT, FRAME_VERSION, KEY_BYTES, MAX_BODY_BYTES, MAX_FRAME_BYTES, MESSAGE_HEADER_BYTES,
  NONCE_BYTES, SIGNATURE_BYTES, SIGNATURE_CONTEXT, TAG_BYTES
} from './constants.js'

/** A message as its author signed it. */
export interface SignedMessage {
  readonly kind: number
  readonly author: Uint8Array
  /** Per-author, per-room sequence number; 0 for ephemeral kinds that are never stored. */
  readonly seq: number
  /** Author's clock, ms since the epoch. */
  readonly timestamp: number
  readonly body: Uint8Array
  readonly signature: Uint8Array
}

export type UnsignedMessage = Omit<SignedMessage, 'signature' | 'author'>

/** What a frame is sealed for: the room's id and key. */
export interface FrameContext {
  readonly roomId: Uint8Array
  readonly messageKey: Uint8Array
}

const SIGNATURE_PREFIX = utf8(SIGNATURE_CONTEXT)
const FRAME_PREFIX = utf8(FRAME_CONTEXT)
const MIN_FRAME_BYTES = 1 + NONCE_BYTES + TAG_BYTES + MESSAGE_HEADER_BYTES + SIGNATURE_BYTES

/** Signs a message as `identity`. */
export function signMessage (identity: Identity, roomId: Uint8Array, message: UnsignedMessage): SignedMessage {
  assertBytes(message.body, 'body')
  if (message.body.length > MAX_BODY_BYTES) {
    throw new TooLargeError(`Message body is ${message.body.length} bytes; the limit is ${MAX_BODY_BYTES}`)
  }
  checkUint(message.kind, 'kind', 0xff)
  checkUint(message.seq, 'seq', Number.MAX_SAFE_INTEGER)
  checkUint(message.timestamp, 'timestamp', Number.MAX_SAFE_INTEGER)
  const header = encodeHeader({ ...message, author: identity.publicKey })
  const signature = sign(identity, concatBytes(SIGNATURE_PREFIX, roomId, header, message.body))
  return { ...message, author: identity.publicKey, signature }
}

/** Encrypts a signed message into a frame for the room. */
export function sealFrame (context: FrameContext, message: SignedMessage, nonce = randomNonce()): Uint8Array {
  assertBytes(context.messageKey, 'messageKey', KEY_BYTES)
  assertBytes(nonce, 'nonce', NONCE_BYTES)
  const plaintext = concatBytes(encodeHeader(message), message.body, message.signature)
  const ciphertext = xchacha20poly1305(context.messageKey, nonce, frameAad(context.roomId)).encrypt(plaintext)
  const frame = concatBytes(Uint8Array.of(FRAME_VERSION), nonce, ciphertext)
  if (frame.length > MAX_FRAME_BYTES) {
    throw new TooLargeError(`Frame is ${frame.length} bytes; the limit is ${MAX_FRAME_BYTES}`)
  }
  return frame
}

/**
 * Decrypts and verifies a frame from the network.
 * @throws TooLargeError | MalformedError | UnsupportedVersionError | DecryptError | BadSignatureError
 */
export function openFrame (context: FrameContext, frame: Uint8Array): SignedMessage {
  if (!(frame instanceof Uint8Array)) throw new MalformedError('Frame is not bytes')
  if (frame.length > MAX_FRAME_BYTES) {
    throw new TooLargeError(`Frame is ${frame.length} bytes; the limit is ${MAX_FRAME_BYTES}`)
  }
  if (frame.length < 1) throw new MalformedError('Empty frame')
  if (frame[0] !== FRAME_VERSION) throw new UnsupportedVersionError(`Frame version ${frame[0]} is not supported`)
  if (frame.length < MIN_FRAME_BYTES) {
    throw new MalformedError(`Frame is ${frame.length} bytes; the smallest valid frame is ${MIN_FRAME_BYTES}`)
  }
  let plaintext: Uint8Array
  try {
    plaintext = xchacha20poly1305(context.messageKey, frame.subarray(1, 1 + NONCE_BYTES), frameAad(context.roomId))
      .decrypt(frame.subarray(1 + NONCE_BYTES))
  } catch {
    throw new DecryptError()
  }
  const message = decodeSigned(plaintext)
  const signed = plaintext.subarray(0, plaintext.length - SIGNATURE_BYTES)
  if (!verify(message.signature, concatBytes(SIGNATURE_PREFIX, context.roomId, signed), message.author)) {
    throw new BadSignatureError()
  }
  return message
}

/** Parses the decrypted bytes; every length is checked before it is used. */
function decodeSigned (bytes: Uint8Array): SignedMessage {
  if (bytes.length < MESSAGE_HEADER_BYTES + SIGNATURE_BYTES) throw new MalformedError('Message is truncated')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const kind = bytes[0]
  const author = bytes.slice(1, 33)
  const seq = readUint64(view, 33, 'seq')
  const timestamp = readUint64(view, 41, 'timestamp')
  const bodyLength = view.getUint32(49)
  if (bodyLength > MAX_BODY_BYTES) throw new TooLargeError(`Body is ${bodyLength} bytes; the limit is ${MAX_BODY_BYTES}`)
  if (bytes.length !== MESSAGE_HEADER_BYTES + bodyLength + SIGNATURE_BYTES) {
    throw new MalformedError(`Message length ${bytes.length} does not match its body length ${bodyLength}`)
  }
  const body = bytes.slice(MESSAGE_HEADER_BYTES, MESSAGE_HEADER_BYTES + bodyLength)
  const signature = bytes.slice(MESSAGE_HEADER_BYTES + bodyLength)
  return { kind, author, seq, timestamp, body, signature }
}

function encodeHeader (message: Omit<SignedMessage, 'signature'>): Uint8Array {
  const header = new Uint8Array(MESSAGE_HEADER_BYTES)
  const view = new DataView(header.buffer)
  header[0] = message.kind
  assertBytes(message.author, 'author', 32)
  header.set(message.author, 1)
  view.setBigUint64(33, BigInt(message.seq))
  view.setBigUint64(41, BigInt(message.timestamp))
  view.setUint32(49, message.body.length)
  return header
}

function readUint64 (view: DataView, offset: number, name: string): number {
  const value = view.getBigUint64(offset)
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedError(`"${name}" is out of range`)
  return Number(value)
}

function checkUint (value: number, name: string, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RangeError(`"${name}" expected an integer in 0..${max}, got ${value}`)
  }
}

function frameAad (roomId: Uint8Array): Uint8Array {
  return concatBytes(FRAME_PREFIX, roomId, Uint8Array.of(FRAME_VERSION))
}

function randomNonce (): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
}
