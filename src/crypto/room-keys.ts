/**
 * Everything a room needs is derived from its code's secret, each value under its own HKDF
 * label, so knowing one reveals nothing about another:
 *
 * - `topic`: the gossipsub topic; every connected peer sees it, so it must not reveal the code.
 * - `rendezvous`: the namespace peers register under at the relay to find each other.
 * - `roomId`: bound into every signature, so a message cannot be replayed into another room;
 *   also the local storage key for the room.
 * - `messageKey`: the XChaCha20-Poly1305 key for the room's frames.
 *
 * Codes carry 130 random bits, so a fast KDF is enough: guessing is infeasible either way.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8 } from '../bytes.js'
import type { RoomCode } from '../room/room-code.js'

const SALT = utf8('meshchat/room/v1')

export interface RoomKeys {
  /** Hex id used locally and bound into signatures. */
  readonly id: string
  readonly roomId: Uint8Array
  readonly topic: string
  readonly rendezvous: Uint8Array
  readonly messageKey: Uint8Array
}

/** Derives a room's keys and ids from its code. */
export function deriveRoomKeys (code: RoomCode): RoomKeys {
  const ikm = utf8(code.secret)
  const derive = (label: string): Uint8Array => hkdf(sha256, ikm, SALT, utf8(label), 32)
  const roomId = derive('room-id')
  return {
    id: bytesToHex(roomId),
    roomId,
    topic: `meshchat/1/${bytesToHex(derive('topic'))}`,
    rendezvous: derive('rendezvous'),
    messageKey: derive('message-key')
  }
}
