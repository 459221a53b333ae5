import { ed25519 } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/bytes.js'
import { ed25519Implementation, ed25519KeyPair, ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../src/crypto/ed25519.js'

describe('ed25519PublicKey', () => {
  it('runs natively here (Node\'s crypto module)', async () => {
    expect(await ed25519Implementation()).toBe('node')
  })

  it('gives RFC 8032 test 1 public key for its secret key', async () => {
    const secret = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
    expect(bytesToHex(await ed25519PublicKey(secret))).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
  })

  it('agrees with @noble/curves on random keys', async () => {
    for (let i = 0; i < 20; i++) {
      const secret = crypto.getRandomValues(new Uint8Array(32))
      expect(await ed25519PublicKey(secret)).toEqual(ed25519.getPublicKey(secret))
    }
  })

  it('refuses a secret key that is not 32 bytes', async () => {
    await expect(ed25519PublicKey(new Uint8Array(31))).rejects.toThrow()
  })
})

describe('ed25519KeyPair', () => {
  it('makes a fresh pair whose public key matches its secret key and which signs and verifies', async () => {
    const a = await ed25519KeyPair()
    const b = await ed25519KeyPair()
    expect(a.secretKey).toHaveLength(32)
    expect(a.publicKey).toHaveLength(32)
    expect(a.secretKey).not.toEqual(b.secretKey)
    expect(a.publicKey).toEqual(ed25519.getPublicKey(a.secretKey))
    const message = new TextEncoder().encode('hello')
    expect(await ed25519Verify(await ed25519Sign(message, a.secretKey), message, a.publicKey)).toBe(true)
  })
})
