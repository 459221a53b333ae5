/**
 * A person's identity: an Ed25519 key pair made once on the device and kept in its store.
 * The public key is the author id on every message; the fingerprint is what two people compare
 * to be sure they talk to each other. Making or loading a key pair needs the curves loaded
 * (`loadCrypto()`).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes, bytesToHex } from '../bytes.js'
import { curves } from '../crypto/lazy-crypto.js'
import { ed25519Sign, ed25519Verify } from '../crypto/ed25519.js'

export interface Identity {
  readonly publicKey: Uint8Array
  readonly secretKey: Uint8Array
}

/** Creates a new identity from the platform's CSPRNG. */
export function createIdentity (): Identity {
  const { secretKey, publicKey } = curves().ed25519.keygen()
  return { secretKey, publicKey }
}

/** Rebuilds an identity from its stored secret key (the public key is recomputed, not trusted). */
export function identityFromSecretKey (secretKey: Uint8Array): Identity {
  assertBytes(secretKey, 'secretKey', 32)
  return { secretKey: secretKey.slice(), publicKey: curves().ed25519.getPublicKey(secretKey) }
}

/** Signs bytes with the identity's key. */
export async function sign (identity: Identity, message: Uint8Array): Promise<Uint8Array> {
  return await ed25519Sign(message, identity.secretKey)
}

/** Verifies an Ed25519 signature; malformed keys or signatures count as not verifying. */
export async function verify (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  return await ed25519Verify(signature, message, publicKey)
}

/**
 * A human-comparable fingerprint of a public key: 16 groups of 4 hex digits of its SHA-256.
 */
export function fingerprint (publicKey: Uint8Array): string {
  const hex = bytesToHex(sha256(publicKey))
  return hex.match(/.{4}/g)!.slice(0, 16).join(' ')
}

/** A stable hue (0-359) for a key's avatar, so a person's colour is the same on every device. */
export function avatarHue (publicKey: Uint8Array): number {
  const digest = sha256(publicKey)
  return ((digest[0] << 8) | digest[1]) % 360
}
