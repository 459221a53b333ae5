/**
 * X25519 public keys, the first few by the Montgomery ladder: X25519(k, 9), as RFC 7748 defines
 * them.
 *
 * @noble/curves computes `x25519.getPublicKey` on the Edwards form of the curve with precomputed
 * tables of the base point: about 2.5 times faster per key than the ladder once the tables exist,
 * but the first call builds them, 70-90 ms of the main thread on a slow machine (measured in a
 * browser joining a room: noise's handshake with the relay made the first key, and the first key
 * handed to a member made the next). Joining a small room makes a handful of keys (one per
 * connection, one per room session, one per member a key is handed to), where the ladder costs
 * less in all and nothing up front. A member that makes many (a large room) soon repays the
 * tables, so past LADDER_KEYS keys noble's own way is used. Both give the same key
 * (tests/unit/x25519-ladder.test.ts).
 */
import type { x25519 as X25519 } from '@noble/curves/ed25519.js'

type Curve = typeof X25519

/** Keys made by the ladder before the tables are worth building (they repay about 45 keys). */
const LADDER_KEYS = 32
let keysMade = 0

/** The public key of an X25519 secret key. @throws Error for a key of the wrong size */
export function x25519PublicKey (curve: Curve, secretKey: Uint8Array): Uint8Array {
  return keysMade++ < LADDER_KEYS ? curve.scalarMult(secretKey, curve.GuBytes) : curve.getPublicKey(secretKey)
}

/** A fresh X25519 key pair. */
export function x25519KeyPair (curve: Curve): { secretKey: Uint8Array, publicKey: Uint8Array } {
  const secretKey = curve.utils.randomSecretKey()
  return { secretKey, publicKey: x25519PublicKey(curve, secretKey) }
}
