/**
 * Everything a room epoch needs is derived from its secret (the room code's random part), each
 * value under its own HKDF label, so knowing one reveals nothing about another:
 *
 * - `topic`: the gossipsub topic; every connected peer sees it, so it must not reveal the code.
 * - `rendezvous`: the namespace peers register under at the relay to find each other.
 * - `epochId`: bound into every signature, so a message cannot be replayed into another room
 *   or epoch.
 * - `tag`: 8 bytes at the front of each frame that say which epoch key opens it.
 * - `frameKey`: the XChaCha20-Poly1305 key of the epoch's frames.
 *
 * A room starts at epoch 0 with the code it was created with. Rotating the room (removing a
 * member, or after a suspected leak) starts a new epoch with a new random code, handed to the
 * remaining members only.
 *
 * Codes carry 130 random bits, so a fast KDF is enough: guessing is infeasible either way, and
 * people never choose their own codes.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8 } from '../bytes.js'
import type { RoomCode } from '../room/room-code.js'

const SALT = utf8('meshchat/room/v1')
export const TAG_BYTES = 8

export interface EpochKeys {
  /** Epoch number: 0 for the code the room was created with, +1 per rotation. */
  readonly number: number
  readonly code: RoomCode
  readonly epochId: Uint8Array
  readonly tag: Uint8Array
  readonly topic: string
  readonly rendezvous: Uint8Array
  readonly frameKey: Uint8Array
}

/** Derives one epoch's keys and ids from its code. */
export function deriveEpochKeys (code: RoomCode, number = 0): EpochKeys {
  const ikm = utf8(code.secret)
  const derive = (label: string, length = 32): Uint8Array => hkdf(sha256, ikm, SALT, utf8(label), length)
  return {
    number,
    code,
    epochId: derive('epoch-id'),
    tag: derive('frame-tag', TAG_BYTES),
    topic: `meshchat/1/${bytesToHex(derive('topic'))}`,
    rendezvous: derive('rendezvous'),
    frameKey: derive('frame-key')
  }
}

/** The stable local id of a room: from the code it was first joined with (hex). */
export function roomIdOf (code: RoomCode): string {
  return bytesToHex(hkdf(sha256, utf8(code.secret), SALT, utf8('local-room-id'), 32))
}
