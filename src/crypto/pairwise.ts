/**
 * Encrypting a small secret for one member: X25519 between a fresh ephemeral key and the
 * recipient's X25519 key (a session prekey, or the identity key converted from Ed25519), then
 * HKDF-SHA256 and XChaCha20-Poly1305. Used to hand out sender chains and new epoch secrets.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8 } from '../bytes.js'
import { DecryptError } from '../errors.js'
import { chacha, curves } from './lazy-crypto.js'
import { x25519KeyPair, x25519PublicKey } from './x25519-ladder.js'

export const X25519_BYTES = 32
const ZERO_NONCE = new Uint8Array(24)

export interface PairwiseBox {
  /** The sender's ephemeral X25519 public key. */
  readonly ephemeral: Uint8Array
  readonly ciphertext: Uint8Array
}

/** A member's X25519 key pair for one session; the secret lives in memory only. */
export function createPrekey (): { publicKey: Uint8Array, secretKey: Uint8Array } {
  return x25519KeyPair(curves().x25519)
}

/** The X25519 public key that belongs to an Ed25519 identity key. */
export function identityToX25519 (edPublicKey: Uint8Array): Uint8Array {
  return curves().ed25519.utils.toMontgomery(edPublicKey)
}

/** The X25519 secret key that belongs to an Ed25519 identity secret key. */
export function identitySecretToX25519 (edSecretKey: Uint8Array): Uint8Array {
  return curves().ed25519.utils.toMontgomerySecret(edSecretKey)
}

/**
 * Encrypts `plaintext` so only the holder of `recipientX25519`'s secret can read it.
 * `context` binds the box to its purpose and parties (it must match on opening).
 */
export function sealTo (recipientX25519: Uint8Array, plaintext: Uint8Array, context: Uint8Array): PairwiseBox {
  const { x25519 } = curves()
  const ephemeral = x25519KeyPair(x25519)
  const key = boxKey(x25519.getSharedSecret(ephemeral.secretKey, recipientX25519), ephemeral.publicKey, recipientX25519, context)
  // Each key is used once (fresh ephemeral), so a fixed nonce is safe.
  return { ephemeral: ephemeral.publicKey, ciphertext: chacha().xchacha20poly1305(key, ZERO_NONCE).encrypt(plaintext) }
}

/** Opens a box sealed to our X25519 key. @throws DecryptError */
export function openFrom (secretX25519: Uint8Array, box: PairwiseBox, context: Uint8Array): Uint8Array {
  const { x25519 } = curves()
  try {
    const ownPublic = x25519PublicKey(x25519, secretX25519)
    const key = boxKey(x25519.getSharedSecret(secretX25519, box.ephemeral), box.ephemeral, ownPublic, context)
    return chacha().xchacha20poly1305(key, ZERO_NONCE).decrypt(box.ciphertext)
  } catch {
    throw new DecryptError('Could not open a box addressed to us')
  }
}

function boxKey (shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array, context: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, utf8('meshchat/pairwise/v1'), concatBytes(context, ephemeral, recipient), 32)
}
