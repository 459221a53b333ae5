/**
 * Bodies of the conversation kinds that quote or mark the log, or name the room: replies,
 * membership notices and room names. Each decoder returns a typed value or throws
 * MalformedError/TooLargeError.
 *
 * ```
 * reply      = targetAuthor(32) | targetSeq(u32) | nameLength(u8) | name | text
 * membership = action(u8: 1 joined, 2 left) | nameLength(u8) | name
 * room name  = nameLength(u8) | name       (length 0: back to the room's code as its name)
 * ```
 * A reply is a chat message like Text (same name and text rules) that also names the message it
 * answers. It does not copy the quoted text: the quote is read from the receiver's own history, so
 * deleting the original also removes it from every quote.
 */
import { concatBytes, utf8 } from '../bytes.js'
import { MalformedError } from '../errors.js'
import { KEY_BYTES as KEY, MAX_NAME_BYTES } from './constants.js'
import { decodeName, decodeTextBody, decodeUtf8, encodeName, encodeTextBody } from './bodies.js'
import type { TextBody } from './bodies.js'

export interface ReplyBody extends TextBody {
  /** Key of the quoted message's author. */
  readonly targetAuthor: Uint8Array
  /** Sequence number of the quoted message. */
  readonly targetSeq: number
}

export type MembershipAction = 'joined' | 'left'

export interface MembershipBody {
  readonly action: MembershipAction
  /** The author's display name at the time. */
  readonly name: string
}

const ACTIONS: readonly MembershipAction[] = ['joined', 'left']

export function encodeReplyBody (body: ReplyBody): Uint8Array {
  if (body.targetAuthor.length !== KEY) throw new RangeError(`"targetAuthor" expected ${KEY} bytes, got ${body.targetAuthor.length}`)
  if (!Number.isInteger(body.targetSeq) || body.targetSeq < 1 || body.targetSeq > 0xffffffff) {
    throw new RangeError(`"targetSeq" expected 1..2^32-1, got ${body.targetSeq}`)
  }
  const seq = new Uint8Array(4)
  new DataView(seq.buffer).setUint32(0, body.targetSeq)
  return concatBytes(body.targetAuthor, seq, encodeTextBody(body))
}

export function decodeReplyBody (bytes: Uint8Array): ReplyBody {
  if (bytes.length < KEY + 4 + 1) throw new MalformedError('Reply is truncated')
  const targetSeq = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(KEY)
  if (targetSeq < 1) throw new MalformedError('Sequence numbers start at 1')
  const { name, text } = decodeTextBody(bytes.subarray(KEY + 4))
  return { targetAuthor: bytes.slice(0, KEY), targetSeq, name, text }
}

export function encodeMembershipBody (body: MembershipBody): Uint8Array {
  const action = ACTIONS.indexOf(body.action) + 1
  if (action === 0) throw new RangeError(`"action" expected joined or left, got ${String(body.action)}`)
  const name = encodeName(body.name)
  return concatBytes(Uint8Array.of(action), Uint8Array.of(name.length), name)
}

export function decodeMembershipBody (bytes: Uint8Array): MembershipBody {
  if (bytes.length < 1) throw new MalformedError('Membership notice is empty')
  const action = ACTIONS[bytes[0] - 1]
  if (action === undefined) throw new MalformedError(`Membership action ${bytes[0]} is unknown`)
  const [name, rest] = decodeName(bytes.subarray(1))
  if (rest.length !== 0) throw new MalformedError('Membership notice has trailing bytes')
  return { action, name }
}

export interface RoomNameBody {
  /** The room's name from now on; empty for none (the room is then called by its code). */
  readonly name: string
}

export function encodeRoomNameBody (body: RoomNameBody): Uint8Array {
  const name = utf8(body.name)
  if (name.length > MAX_NAME_BYTES) throw new RangeError(`"name" expected 0..${MAX_NAME_BYTES} UTF-8 bytes, got ${name.length}`)
  return concatBytes(Uint8Array.of(name.length), name)
}

export function decodeRoomNameBody (bytes: Uint8Array): RoomNameBody {
  if (bytes.length < 1) throw new MalformedError('Room name is empty')
  const length = bytes[0]
  if (length > MAX_NAME_BYTES) throw new MalformedError(`Room name length ${length} is out of range`)
  if (bytes.length !== 1 + length) throw new MalformedError(bytes.length < 1 + length ? 'Room name is truncated' : 'Room name has trailing bytes')
  return { name: decodeUtf8(bytes.subarray(1), 'name') }
}
