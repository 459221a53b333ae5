/**
 * What a room's gossipsub message carries: the room's frame behind a one-byte header that says
 * how many members its author handed it to itself.
 *
 * ```
 * message = 0x80 | reach(7 bits) || frame
 * ```
 *
 * Gossipsub passes every message it accepts on to a few members (its mesh), for those the author
 * could not reach. In a room where everyone is connected to everyone (up to ten members, see
 * room-neighbours.ts) the author reaches all of them itself (flood publishing), and every copy
 * passed on is a duplicate: in a 10-member room, two to three times the sends and receipts of the
 * message itself. With the author's count a member can tell: it passes a frame on only when the
 * author reached fewer members than it knows the room to have.
 *
 * The header's top bit tells it from a frame's own first byte, its version (1): a message from
 * a member on an earlier version of the app is a bare frame, read as such and passed on as
 * before. (That member cannot read this header: it rejects such messages until its app updates,
 * and history sync then brings it what it missed.)
 *
 * The header is outside the frame's encryption and signature. Message ids are taken over the
 * frame alone, so a copy with another header is a duplicate, and the first copy to arrive decides.
 * A member who changes the header can make a frame travel further than needed, or, if its copy
 * arrives first, keep the members it sends to from passing the frame on. Those the frame then
 * misses get it by history sync, as when a member withholds what it should pass on.
 */
import { concatBytes } from '../bytes.js'

export const GOSSIP_HEADER_BYTES = 1
const HEADER_MARK = 0x80
/** Larger counts are sent as this; rooms that large are never fully connected anyway. */
const MAX_REACH = 0x7f

export interface GossipFrame {
  /** How many members the author handed the frame to; 0 when the message does not say. */
  readonly reach: number
  readonly frame: Uint8Array
}

export function encodeGossipFrame (reach: number, frame: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(HEADER_MARK | Math.min(MAX_REACH, Math.max(0, Math.floor(reach)))), frame)
}

/** The header and the frame; undefined for a message with no frame behind its header. */
export function decodeGossipFrame (data: Uint8Array): GossipFrame | undefined {
  if (!hasHeader(data)) return data.length > 0 ? { reach: 0, frame: data } : undefined
  if (data.length <= GOSSIP_HEADER_BYTES) return undefined
  return { reach: data[0] & MAX_REACH, frame: data.subarray(GOSSIP_HEADER_BYTES) }
}

/** The part of a message its id is taken over: the frame, not the header. */
export function gossipFrameIdBytes (data: Uint8Array): Uint8Array {
  return hasHeader(data) ? data.subarray(GOSSIP_HEADER_BYTES) : data
}

/**
 * Whether a member passes a frame on: unless its author reached at least as many members as
 * this member knows of (the author among them, this member not), someone may not have it yet.
 */
export function shouldPassOn (reach: number, otherMembersKnown: number): boolean {
  return reach < otherMembersKnown
}

function hasHeader (data: Uint8Array): boolean {
  return data.length > 0 && (data[0] & HEADER_MARK) !== 0
}
