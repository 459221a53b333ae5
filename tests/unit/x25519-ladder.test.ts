import { x25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, hexToBytes } from '../../src/bytes.js'
import { describe, expect, it } from 'vitest'
import { x25519KeyPair, x25519PublicKey } from '../../src/crypto/x25519-ladder.js'

describe('X25519 public keys', () => {
  it("gives RFC 7748's public keys (section 6.1)", () => {
    const alice = hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
    const bob = hexToBytes('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
    expect(bytesToHex(x25519PublicKey(x25519, alice))).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
    expect(bytesToHex(x25519PublicKey(x25519, bob))).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
  })

  it("equals @noble/curves' own getPublicKey on random keys, by the ladder and past it", () => {
    for (let i = 0; i < 60; i++) {
      const secret = x25519.utils.randomSecretKey()
      expect(bytesToHex(x25519PublicKey(x25519, secret))).toBe(bytesToHex(x25519.getPublicKey(secret)))
    }
  })

  it('makes pairs that agree on a shared secret', () => {
    const a = x25519KeyPair(x25519)
    const b = x25519KeyPair(x25519)
    expect(a.secretKey).toHaveLength(32)
    expect(bytesToHex(a.secretKey)).not.toBe(bytesToHex(b.secretKey))
    expect(bytesToHex(x25519.getSharedSecret(a.secretKey, b.publicKey))).toBe(bytesToHex(x25519.getSharedSecret(b.secretKey, a.publicKey)))
  })

  it('refuses a secret key of the wrong size', () => {
    expect(() => x25519PublicKey(x25519, new Uint8Array(31))).toThrow()
    expect(() => x25519PublicKey(x25519, new Uint8Array(33))).toThrow()
  })
})
