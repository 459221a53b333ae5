/**
 * The wire envelope, in three layers, each checked before the next is read:
 *
 * ```
 * frame   = version(1) | epochTag(8) | nonce(24) | XChaCha20-Poly1305(frameKey, nonce, payload, aad)
 *           aad = "meshchat/frame/v1" | epochTag | version
 * payload = mode(1) | author(32) | chainId(8) | index(u32) | data
 *           mode 0, plain:   data = signed
 *           mode 1, chained: data = XChaCha20-Poly1305(messageKey(author, chainId, index), 0, signed,
 *                                   "meshchat/chain/v1" | payload header)
 * signed  = kind(1) | author(32) | seq(u64) | timestamp(u64 ms) | bodyLength(u32) | body | signature(64)
 *           signature = Ed25519(author, "meshchat/message/v1" | epochId | signed-without-signature)
 * ```
 *
 * - The frame layer keeps everything, even who wrote what, from anyone without the epoch's key.
 * - The chained layer gives forward secrecy to content (see crypto/sender-chain.ts).
 * - The signature covers the epoch, the author, the sequence number, the time and the content,
 *   so a message cannot be altered, attributed to someone else, or moved into another room or
 *   epoch. It is over the plaintext, so a stored message can be passed on (history sync) and
 *   still be checked against its author's key.
 *
 * These functions are stateless; replays are caught by the room, which knows what it holds.
 */
import { assertBytes, concatBytes, utf8 } from '../bytes.js'
import {
  BadSignatureError, DecryptError, MalformedError, TooLargeError, UnknownEpochError, UnsupportedVersionError
} from '../errors.js'
import { chacha } from '../crypto/lazy-crypto.js'
import { sign, verify } from '../identity/identity.js'
import type { Identity } from '../identity/identity.js'
import {
  AEAD_TAG_BYTES, CHAIN_CONTEXT, CHAIN_ID_BYTES, EPOCH_TAG_BYTES, FRAME_CONTEXT, FRAME_VERSION, KEY_BYTES,
  MAX_BODY_BYTES, MAX_FRAME_BYTES, MESSAGE_HEADER_BYTES, NONCE_BYTES, PAYLOAD_HEADER_BYTES, SIGNATURE_BYTES,
  SIGNATURE_CONTEXT
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

/** The keys of the epoch a frame belongs to. */
export interface FrameKeys {
  readonly tag: Uint8Array
  readonly frameKey: Uint8Array
}

export const Mode = { Plain: 0, Chained: 1 } as const
export type PayloadMode = typeof Mode[keyof typeof Mode]

/** The frame's decrypted payload: who sent it, on which chain position, and its data. */
export interface Payload {
  readonly mode: PayloadMode
  readonly author: Uint8Array
  readonly chainId: Uint8Array
  readonly index: number
  readonly data: Uint8Array
}

const SIGNATURE_PREFIX = utf8(SIGNATURE_CONTEXT)
const FRAME_PREFIX = utf8(FRAME_CONTEXT)
const CHAIN_PREFIX = utf8(CHAIN_CONTEXT)
const ZERO_NONCE = new Uint8Array(NONCE_BYTES)
const FRAME_OVERHEAD = 1 + EPOCH_TAG_BYTES + NONCE_BYTES + AEAD_TAG_BYTES
/** Smallest frame that can hold a plain signed message. */
export const MIN_FRAME_BYTES = FRAME_OVERHEAD + PAYLOAD_HEADER_BYTES + MESSAGE_HEADER_BYTES + SIGNATURE_BYTES

// ---- signed messages ----

/** Signs a message as `identity`, for one epoch. */
export async function signMessage (identity: Identity, epochId: Uint8Array, message: UnsignedMessage): Promise<SignedMessage> {
  assertBytes(message.body, 'body')
  if (message.body.length > MAX_BODY_BYTES) {
    throw new TooLargeError(`Message body is ${message.body.length} bytes; the limit is ${MAX_BODY_BYTES}`)
  }
  checkUint(message.kind, 'kind', 0xff)
  checkUint(message.seq, 'seq', Number.MAX_SAFE_INTEGER)
  checkUint(message.timestamp, 'timestamp', Number.MAX_SAFE_INTEGER)
  const header = encodeHeader({ ...message, author: identity.publicKey })
  const signature = await sign(identity, concatBytes(SIGNATURE_PREFIX, epochId, header, message.body))
  return { ...message, author: identity.publicKey, signature }
}

/** Checks a message's signature for an epoch. @throws BadSignatureError */
export async function verifyMessage (message: SignedMessage, epochId: Uint8Array): Promise<void> {
  const signed = concatBytes(SIGNATURE_PREFIX, epochId, encodeHeader(message), message.body)
  if (!await verify(message.signature, signed, message.author)) throw new BadSignatureError()
}

export function encodeSigned (message: SignedMessage): Uint8Array {
  return concatBytes(encodeHeader(message), message.body, message.signature)
}

/** Parses signed bytes; every length is checked before it is used. Does not verify. */
export function decodeSigned (bytes: Uint8Array): SignedMessage {
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

// ---- payloads ----

/** A plain payload: readable by every holder of the epoch key (presence, key shares, rotations). */
export function plainPayload (message: SignedMessage): Payload {
  return { mode: Mode.Plain, author: message.author, chainId: new Uint8Array(CHAIN_ID_BYTES), index: 0, data: encodeSigned(message) }
}

/** A chained payload: the signed message encrypted under one sender-chain message key. */
export function chainedPayload (message: SignedMessage, chainId: Uint8Array, index: number, messageKey: Uint8Array): Payload {
  assertBytes(messageKey, 'messageKey', KEY_BYTES)
  assertBytes(chainId, 'chainId', CHAIN_ID_BYTES)
  checkUint(index, 'index', 0xffffffff)
  const header = encodePayloadHeader(Mode.Chained, message.author, chainId, index)
  const data = chacha().xchacha20poly1305(messageKey, ZERO_NONCE, concatBytes(CHAIN_PREFIX, header)).encrypt(encodeSigned(message))
  return { mode: Mode.Chained, author: message.author, chainId, index, data }
}

/** Decrypts a chained payload with its message key. @throws DecryptError */
export function openChained (payload: Payload, messageKey: Uint8Array): Uint8Array {
  const header = encodePayloadHeader(payload.mode, payload.author, payload.chainId, payload.index)
  try {
    return chacha().xchacha20poly1305(messageKey, ZERO_NONCE, concatBytes(CHAIN_PREFIX, header)).decrypt(payload.data)
  } catch {
    throw new DecryptError('Could not decrypt the message with its sender key')
  }
}

// ---- frames ----

/** Encrypts a payload into a frame of an epoch. */
export function sealFrame (keys: FrameKeys, payload: Payload, nonce = randomNonce()): Uint8Array {
  assertBytes(keys.frameKey, 'frameKey', KEY_BYTES)
  assertBytes(keys.tag, 'tag', EPOCH_TAG_BYTES)
  assertBytes(nonce, 'nonce', NONCE_BYTES)
  const plaintext = concatBytes(encodePayloadHeader(payload.mode, payload.author, payload.chainId, payload.index), payload.data)
  const ciphertext = chacha().xchacha20poly1305(keys.frameKey, nonce, frameAad(keys.tag)).encrypt(plaintext)
  const frame = concatBytes(Uint8Array.of(FRAME_VERSION), keys.tag, nonce, ciphertext)
  if (frame.length > MAX_FRAME_BYTES) {
    throw new TooLargeError(`Frame is ${frame.length} bytes; the limit is ${MAX_FRAME_BYTES}`)
  }
  return frame
}

/**
 * Decrypts a frame from the network with the key of the epoch it names.
 * @throws TooLargeError | MalformedError | UnsupportedVersionError | UnknownEpochError | DecryptError
 */
export function openFrame<K extends FrameKeys> (frame: Uint8Array, keysForTag: (tag: Uint8Array) => K | undefined): { keys: K, payload: Payload } {
  if (!(frame instanceof Uint8Array)) throw new MalformedError('Frame is not bytes')
  if (frame.length > MAX_FRAME_BYTES) {
    throw new TooLargeError(`Frame is ${frame.length} bytes; the limit is ${MAX_FRAME_BYTES}`)
  }
  if (frame.length < 1) throw new MalformedError('Empty frame')
  if (frame[0] !== FRAME_VERSION) throw new UnsupportedVersionError(`Frame version ${frame[0]} is not supported`)
  if (frame.length < MIN_FRAME_BYTES) {
    throw new MalformedError(`Frame is ${frame.length} bytes; the smallest valid frame is ${MIN_FRAME_BYTES}`)
  }
  const tag = frame.subarray(1, 1 + EPOCH_TAG_BYTES)
  const keys = keysForTag(tag)
  if (keys === undefined) throw new UnknownEpochError()
  let plaintext: Uint8Array
  try {
    plaintext = chacha().xchacha20poly1305(keys.frameKey, frame.subarray(1 + EPOCH_TAG_BYTES, FRAME_OVERHEAD - AEAD_TAG_BYTES), frameAad(keys.tag))
      .decrypt(frame.subarray(FRAME_OVERHEAD - AEAD_TAG_BYTES))
  } catch {
    throw new DecryptError()
  }
  return { keys, payload: decodePayload(plaintext) }
}

function decodePayload (bytes: Uint8Array): Payload {
  if (bytes.length < PAYLOAD_HEADER_BYTES) throw new MalformedError('Payload is truncated')
  const mode = bytes[0]
  if (mode !== Mode.Plain && mode !== Mode.Chained) throw new MalformedError(`Unknown payload mode ${mode}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return {
    mode,
    author: bytes.slice(1, 33),
    chainId: bytes.slice(33, 33 + CHAIN_ID_BYTES),
    index: view.getUint32(33 + CHAIN_ID_BYTES),
    data: bytes.slice(PAYLOAD_HEADER_BYTES)
  }
}

function encodePayloadHeader (mode: PayloadMode, author: Uint8Array, chainId: Uint8Array, index: number): Uint8Array {
  assertBytes(author, 'author', 32)
  assertBytes(chainId, 'chainId', CHAIN_ID_BYTES)
  const header = new Uint8Array(PAYLOAD_HEADER_BYTES)
  header[0] = mode
  header.set(author, 1)
  header.set(chainId, 33)
  new DataView(header.buffer).setUint32(33 + CHAIN_ID_BYTES, index)
  return header
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

function frameAad (tag: Uint8Array): Uint8Array {
  return concatBytes(FRAME_PREFIX, tag, Uint8Array.of(FRAME_VERSION))
}

function randomNonce (): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
}
