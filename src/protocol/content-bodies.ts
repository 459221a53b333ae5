/**
 * Bodies of the conversation kinds beyond text: edits, deletions, reactions, typing and read
 * receipts. Each decoder returns a typed value or throws MalformedError/TooLargeError.
 *
 * ```
 * edit     = targetSeq(u32) | text
 * delete   = targetSeq(u32)
 * reaction = targetAuthor(32) | targetSeq(u32) | on(u8) | emoji
 * typing   = on(u8)
 * receipt  = count(u8) | { author(32) | seq(u32) }*
 * ```
 * An edit or a deletion names only a sequence number: it always refers to its own author's
 * message, so nobody can edit or delete someone else's, whatever they put in the body.
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes.js'
import { MalformedError, TooLargeError } from '../errors.js'
import { KEY_BYTES as KEY, MAX_TEXT_BYTES } from './constants.js'

export const MAX_EMOJI_BYTES = 32
export const MAX_RECEIPT_AUTHORS = 64

export interface EditBody { readonly target: number, readonly text: string }
export interface DeleteBody { readonly target: number }
export interface ReactionBody { readonly author: Uint8Array, readonly target: number, readonly on: boolean, readonly emoji: string }
export interface TypingBody { readonly on: boolean }
export interface ReceiptBody { readonly readUpTo: Array<{ author: Uint8Array, seq: number }> }

export function encodeEditBody (body: EditBody): Uint8Array {
  const text = utf8(body.text)
  if (text.length === 0) throw new RangeError('"text" must not be empty')
  if (text.length > MAX_TEXT_BYTES) throw new TooLargeError(`Message is ${text.length} bytes; the limit is ${MAX_TEXT_BYTES}`)
  return concatBytes(u32(body.target), text)
}

export function decodeEditBody (bytes: Uint8Array): EditBody {
  if (bytes.length < 5) throw new MalformedError('Edit is truncated or empty')
  if (bytes.length - 4 > MAX_TEXT_BYTES) throw new TooLargeError('Edited text is over the limit')
  return { target: readTarget(bytes, 0), text: text(bytes.subarray(4)) }
}

export function encodeDeleteBody (body: DeleteBody): Uint8Array {
  return u32(body.target)
}

export function decodeDeleteBody (bytes: Uint8Array): DeleteBody {
  if (bytes.length !== 4) throw new MalformedError('Delete must be 4 bytes')
  return { target: readTarget(bytes, 0) }
}

export function encodeReactionBody (body: ReactionBody): Uint8Array {
  const emoji = utf8(body.emoji)
  if (emoji.length === 0 || emoji.length > MAX_EMOJI_BYTES) throw new RangeError(`"emoji" expected 1..${MAX_EMOJI_BYTES} bytes`)
  return concatBytes(body.author, u32(body.target), Uint8Array.of(body.on ? 1 : 0), emoji)
}

export function decodeReactionBody (bytes: Uint8Array): ReactionBody {
  if (bytes.length < KEY + 6 || bytes.length > KEY + 5 + MAX_EMOJI_BYTES) throw new MalformedError('Reaction has the wrong length')
  const on = bytes[KEY + 4]
  if (on > 1) throw new MalformedError('Reaction flag must be 0 or 1')
  return { author: bytes.slice(0, KEY), target: readTarget(bytes, KEY), on: on === 1, emoji: text(bytes.subarray(KEY + 5)) }
}

export function encodeTypingBody (body: TypingBody): Uint8Array {
  return Uint8Array.of(body.on ? 1 : 0)
}

export function decodeTypingBody (bytes: Uint8Array): TypingBody {
  if (bytes.length !== 1 || bytes[0] > 1) throw new MalformedError('Typing must be one byte, 0 or 1')
  return { on: bytes[0] === 1 }
}

export function encodeReceiptBody (body: ReceiptBody): Uint8Array {
  if (body.readUpTo.length > MAX_RECEIPT_AUTHORS) throw new RangeError(`At most ${MAX_RECEIPT_AUTHORS} authors per receipt`)
  return concatBytes(Uint8Array.of(body.readUpTo.length), ...body.readUpTo.flatMap(r => [r.author, u32(r.seq)]))
}

export function decodeReceiptBody (bytes: Uint8Array): ReceiptBody {
  if (bytes.length < 1) throw new MalformedError('Receipt is empty')
  const count = bytes[0]
  if (count > MAX_RECEIPT_AUTHORS || bytes.length !== 1 + count * (KEY + 4)) throw new MalformedError('Receipt length does not match its count')
  const readUpTo = []
  for (let i = 0, o = 1; i < count; i++, o += KEY + 4) readUpTo.push({ author: bytes.slice(o, o + KEY), seq: readTarget(bytes, o + KEY) })
  return { readUpTo }
}

function u32 (value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) throw new RangeError(`sequence number expected 1..2^32-1, got ${value}`)
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}

function readTarget (bytes: Uint8Array, offset: number): number {
  const value = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset)
  if (value < 1) throw new MalformedError('Sequence numbers start at 1')
  return value
}

function text (bytes: Uint8Array): string {
  try {
    return fromUtf8(bytes)
  } catch {
    throw new MalformedError('Text is not valid UTF-8')
  }
}
