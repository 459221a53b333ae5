/**
 * X25519 public keys by the Montgomery ladder: X25519(k, 9), as RFC 7748 defines them.
 *
 * @noble/curves computes `x25519.getPublicKey` on the Edwards form of the curve with precomputed
 * tables of the base point, which is about three times faster per key once the tables exist; but
 * the first call builds them, about 90 ms of the main thread on a slow machine (measured in a
 * browser joining a room: libp2p's noise handshake with the relay made the first key). A member
 * makes a handful of these keys (one per connection, one per room session), so the ladder costs
 * less in all and nothing up front. Both give the same key (tests/unit/x25519-ladder.test.ts).
 */
import type { x25519 as X25519 } from '@noble/curves/ed25519.js'

type Curve = typeof X25519

/** The public key of an X25519 secret key. @throws Error for a key of the wrong size */
export function x25519PublicKey (curve: Curve, secretKey: Uint8Array): Uint8Array {
  return curve.scalarMult(secretKey, curve.GuBytes)
}

/** A fresh X25519 key pair. */
export function x25519KeyPair (curve: Curve): { secretKey: Uint8Array, publicKey: Uint8Array } {
  const secretKey = curve.utils.randomSecretKey()
  return { secretKey, publicKey: x25519PublicKey(curve, secretKey) }
}
