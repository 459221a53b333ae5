/**
 * Bodies of the history-sync messages (see room/history-sync.ts). Each decoder returns a typed
 * value or throws MalformedError; every count and length is checked before it is used.
 *
 * ```
 * summary = count(u16) | { author(32) | maxSeq(u32) | held(u32) }*
 * request = target(32) | prekey(32) | count(u16) | { author(32) | seq(u32) }*
 * data    = recipient(32) | prekey(32) | ephemeral(32) | sealed(count(u16) | { epochId(32) | length(u32) | signed }*)
 * ```
 */
import { concatBytes } from '../bytes.js'
import { MalformedError } from '../errors.js'
import { KEY_BYTES as KEY } from './constants.js'

/** Authors listed in one summary. */
export const MAX_SUMMARY_AUTHORS = 512
/** Messages asked for in one request. */
export const MAX_REQUEST_SEQS = 500
/** Plaintext bytes of stored messages packed into one data message. */
export const MAX_SYNC_DATA_BYTES = 48 * 1024

export interface AuthorSummary {
  readonly author: Uint8Array
  readonly maxSeq: number
  readonly held: number
}

export interface SyncRequestBody {
  /** The member asked. */
  readonly target: Uint8Array
  /** The asker's session prekey: the answer is sealed to it. */
  readonly prekey: Uint8Array
  readonly wanted: Array<{ author: Uint8Array, seq: number }>
}

export interface SyncDataBody {
  readonly recipient: Uint8Array
  readonly prekey: Uint8Array
  readonly ephemeral: Uint8Array
  readonly ciphertext: Uint8Array
}

/** One stored message as passed on: the epoch its signature binds, and the signed bytes. */
export interface SyncedMessage {
  readonly epochId: Uint8Array
  readonly signed: Uint8Array
}

export function encodeSummary (entries: AuthorSummary[]): Uint8Array {
  if (entries.length > MAX_SUMMARY_AUTHORS) throw new RangeError(`A summary lists at most ${MAX_SUMMARY_AUTHORS} authors`)
  const out = new Uint8Array(2 + entries.length * (KEY + 8))
  const view = new DataView(out.buffer)
  view.setUint16(0, entries.length)
  entries.forEach((e, i) => {
    const o = 2 + i * (KEY + 8)
    out.set(e.author, o)
    view.setUint32(o + KEY, e.maxSeq)
    view.setUint32(o + KEY + 4, e.held)
  })
  return out
}

export function decodeSummary (bytes: Uint8Array): AuthorSummary[] {
  const view = viewOf(bytes, 2)
  const count = view.getUint16(0)
  if (count > MAX_SUMMARY_AUTHORS) throw new MalformedError(`Summary lists ${count} authors`)
  if (bytes.length !== 2 + count * (KEY + 8)) throw new MalformedError('Summary length does not match its count')
  const entries: AuthorSummary[] = []
  for (let i = 0; i < count; i++) {
    const o = 2 + i * (KEY + 8)
    const maxSeq = view.getUint32(o + KEY)
    const held = view.getUint32(o + KEY + 4)
    if (held > maxSeq) throw new MalformedError('Summary holds more messages than its highest number')
    entries.push({ author: bytes.slice(o, o + KEY), maxSeq, held })
  }
  return entries
}

export function encodeRequest (body: SyncRequestBody): Uint8Array {
  if (body.wanted.length === 0 || body.wanted.length > MAX_REQUEST_SEQS) {
    throw new RangeError(`A request asks for 1..${MAX_REQUEST_SEQS} messages, got ${body.wanted.length}`)
  }
  const out = new Uint8Array(2 * KEY + 2 + body.wanted.length * (KEY + 4))
  const view = new DataView(out.buffer)
  out.set(body.target, 0)
  out.set(body.prekey, KEY)
  view.setUint16(2 * KEY, body.wanted.length)
  body.wanted.forEach((w, i) => {
    const o = 2 * KEY + 2 + i * (KEY + 4)
    out.set(w.author, o)
    view.setUint32(o + KEY, w.seq)
  })
  return out
}

export function decodeRequest (bytes: Uint8Array): SyncRequestBody {
  const view = viewOf(bytes, 2 * KEY + 2)
  const count = view.getUint16(2 * KEY)
  if (count === 0 || count > MAX_REQUEST_SEQS) throw new MalformedError(`Request asks for ${count} messages`)
  if (bytes.length !== 2 * KEY + 2 + count * (KEY + 4)) throw new MalformedError('Request length does not match its count')
  const wanted: Array<{ author: Uint8Array, seq: number }> = []
  for (let i = 0; i < count; i++) {
    const o = 2 * KEY + 2 + i * (KEY + 4)
    const seq = view.getUint32(o + KEY)
    if (seq < 1) throw new MalformedError('Sequence numbers start at 1')
    wanted.push({ author: bytes.slice(o, o + KEY), seq })
  }
  return { target: bytes.slice(0, KEY), prekey: bytes.slice(KEY, 2 * KEY), wanted }
}

export function encodeData (body: SyncDataBody): Uint8Array {
  return concatBytes(body.recipient, body.prekey, body.ephemeral, body.ciphertext)
}

export function decodeData (bytes: Uint8Array): SyncDataBody {
  if (bytes.length < 3 * KEY + 16) throw new MalformedError('Sync data is truncated')
  return {
    recipient: bytes.slice(0, KEY),
    prekey: bytes.slice(KEY, 2 * KEY),
    ephemeral: bytes.slice(2 * KEY, 3 * KEY),
    ciphertext: bytes.slice(3 * KEY)
  }
}

/** The sealed part of a data message. */
export function encodeSyncedMessages (messages: SyncedMessage[]): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array(2)]
  new DataView(parts[0].buffer).setUint16(0, messages.length)
  for (const m of messages) {
    const length = new Uint8Array(4)
    new DataView(length.buffer).setUint32(0, m.signed.length)
    parts.push(m.epochId, length, m.signed)
  }
  return concatBytes(...parts)
}

export function decodeSyncedMessages (bytes: Uint8Array): SyncedMessage[] {
  const view = viewOf(bytes, 2)
  const count = view.getUint16(0)
  const out: SyncedMessage[] = []
  let o = 2
  for (let i = 0; i < count; i++) {
    if (o + KEY + 4 > bytes.length) throw new MalformedError('Synced messages are truncated')
    const length = view.getUint32(o + KEY)
    if (o + KEY + 4 + length > bytes.length) throw new MalformedError('Synced message is truncated')
    out.push({ epochId: bytes.slice(o, o + KEY), signed: bytes.slice(o + KEY + 4, o + KEY + 4 + length) })
    o += KEY + 4 + length
  }
  if (o !== bytes.length) throw new MalformedError('Trailing bytes after synced messages')
  return out
}

function viewOf (bytes: Uint8Array, minimum: number): DataView {
  if (bytes.length < minimum) throw new MalformedError('Body is truncated')
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
