/**
 * Signing and verifying on Node's own Ed25519 (the path Node peers take) against @noble/curves
 * (the path of browsers without WebCrypto) and WebCrypto (the path of browsers): every peer must
 * make the same signatures and accept and reject the same ones.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import { concatBytes, hexToBytes } from '../../src/bytes.js'
import { ed25519Implementation, ed25519Sign, ed25519Verify } from '../../src/crypto/ed25519.js'

function random (length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length))
}

describe('Ed25519 on Node\'s crypto module', () => {
  it('is the implementation in use here', async () => {
    expect(await ed25519Implementation()).toBe('node')
  })

  it('signs as RFC 8032 test 2 says', async () => {
    const secret = hexToBytes('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb')
    const signature = await ed25519Sign(hexToBytes('72'), secret)
    expect(signature).toEqual(hexToBytes('92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'))
    expect(signature).toBeInstanceOf(Uint8Array)
  })

  it('makes the signatures @noble/curves makes, and each accepts the other\'s', async () => {
    for (let i = 0; i < 20; i++) {
      const secret = random(32)
      const message = random(i * 37)
      const signature = await ed25519Sign(message, secret)
      expect(signature).toEqual(ed25519.sign(message, secret))
      expect(await ed25519Verify(signature, message, ed25519.getPublicKey(secret))).toBe(true)
    }
  })

  it('makes signatures WebCrypto accepts', async () => {
    const secret = random(32)
    const message = random(300)
    const key = await crypto.subtle.importKey('raw', ed25519.getPublicKey(secret) as Uint8Array<ArrayBuffer>, 'Ed25519', false, ['verify'])
    expect(await crypto.subtle.verify('Ed25519', key, await ed25519Sign(message, secret) as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>)).toBe(true)
  })

  it('rejects a changed message or signature, another key, and keys or signatures of the wrong shape', async () => {
    const secret = random(32)
    const publicKey = ed25519.getPublicKey(secret)
    const message = random(100)
    const signature = await ed25519Sign(message, secret)
    const flipped = (bytes: Uint8Array, at: number): Uint8Array => { const copy = bytes.slice(); copy[at] ^= 1; return copy }
    expect(await ed25519Verify(signature, flipped(message, 5), publicKey)).toBe(false)
    expect(await ed25519Verify(flipped(signature, 0), message, publicKey)).toBe(false)
    expect(await ed25519Verify(flipped(signature, 63), message, publicKey)).toBe(false)
    expect(await ed25519Verify(signature, message, ed25519.getPublicKey(random(32)))).toBe(false)
    expect(await ed25519Verify(signature.subarray(0, 63), message, publicKey)).toBe(false)
    expect(await ed25519Verify(signature, message, publicKey.subarray(0, 31))).toBe(false)
    // 32 bytes that are no point of the curve (y = 2 has no x): refused, not thrown.
    const notAPoint = concatBytes(new Uint8Array([2]), new Uint8Array(31))
    expect(await ed25519Verify(signature, message, notAPoint)).toBe(false)
  })

  it('rejects a signature whose S is not reduced (S + L), as the other implementations do', async () => {
    const secret = random(32)
    const message = random(50)
    const signature = await ed25519Sign(message, secret)
    const L = (1n << 252n) + 27742317777372353535851937790883648493n
    let s = 0n
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i])
    const unreduced = s + L
    const bytes = signature.slice()
    for (let i = 0; i < 32; i++) bytes[32 + i] = Number((unreduced >> BigInt(8 * i)) & 0xffn)
    expect(await ed25519Verify(bytes, message, ed25519.getPublicKey(secret))).toBe(false)
    expect(ed25519.verify(bytes, message, ed25519.getPublicKey(secret), { zip215: false })).toBe(false)
  })
})
