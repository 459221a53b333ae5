/**
 * What two people derive from their two identity keys alone: the code of their direct room, and
 * the safety code they compare to be sure each holds the other's real key.
 *
 * The direct room's code comes from an X25519 agreement between the two identities (each
 * Ed25519 key converted to X25519), fed through HKDF with both public keys, sorted, as salt. Both
 * sides compute the same code; nobody else can, the relay included, because it takes one of the
 * two secret keys. Nothing needs to be shared or sent.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { assertBytes, concatBytes, utf8 } from '../bytes.js'
import { curves } from '../crypto/lazy-crypto.js'
import { identitySecretToX25519, identityToX25519 } from '../crypto/pairwise.js'
import { generateRoomCode } from '../room/room-code.js'
import type { RoomCode } from '../room/room-code.js'

const DIRECT_LABEL = 'meshchat/direct-room/v1'
const SAFETY_LABEL = 'meshchat/safety-code/v1'
/** Digits in a safety code, shown in groups of five. */
export const SAFETY_CODE_DIGITS = 60

/** The code of the direct room between our identity and `theirPublicKey` (Ed25519). */
export function directRoomCode (ownSecretKey: Uint8Array, ownPublicKey: Uint8Array, theirPublicKey: Uint8Array): RoomCode {
  assertBytes(ownSecretKey, 'ownSecretKey', 32)
  assertBytes(ownPublicKey, 'ownPublicKey', 32)
  assertBytes(theirPublicKey, 'theirPublicKey', 32)
  if (equal(ownPublicKey, theirPublicKey)) throw new RangeError('A direct room needs two different people')
  const shared = curves().x25519.getSharedSecret(identitySecretToX25519(ownSecretKey), identityToX25519(theirPublicKey))
  const secret = hkdf(sha512, shared, concatBytes(...sorted(ownPublicKey, theirPublicKey)), utf8(DIRECT_LABEL), 17)
  // The code generator takes its randomness from a function: here it is the derived secret.
  return generateRoomCode(n => secret.slice(0, n))
}

/**
 * Sixty digits, in twelve groups of five, from a hash of both keys sorted: both people see the
 * same code, and read or scan it to compare. A different key on either side changes it.
 */
export function safetyCode (keyA: Uint8Array, keyB: Uint8Array): string {
  assertBytes(keyA, 'keyA', 32)
  assertBytes(keyB, 'keyB', 32)
  const digest = sha512(concatBytes(utf8(SAFETY_LABEL), ...sorted(keyA, keyB)))
  const groups: string[] = []
  for (let i = 0; i < SAFETY_CODE_DIGITS / 5; i++) {
    // Five bytes (40 bits) per group, reduced to five digits: the bias is below 2^-23.
    let value = 0
    for (let j = 0; j < 5; j++) value = value * 256 + digest[i * 5 + j]
    groups.push(String(value % 100_000).padStart(5, '0'))
  }
  return groups.join(' ')
}

function sorted (a: Uint8Array, b: Uint8Array): [Uint8Array, Uint8Array] {
  return compare(a, b) <= 0 ? [a, b] : [b, a]
}

function compare (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

function equal (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compare(a, b) === 0
}
