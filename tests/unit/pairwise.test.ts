import { describe, expect, it } from 'vitest'
import { utf8 } from '../../src/bytes.js'
import { createPrekey, identitySecretToX25519, identityToX25519, openFrom, sealTo } from '../../src/crypto/pairwise.js'
import { createIdentity } from '../../src/identity/identity.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

const CONTEXT = utf8('test/context')

function expectDecryptError (fn: () => unknown): void {
  let err: Error | undefined
  try { fn() } catch (e) { err = e as Error }
  expect(err?.name).toBe('DecryptError')
}

describe('sealTo and openFrom', () => {
  it('round-trip a secret sealed to a session prekey', () => {
    const prekey = createPrekey()
    const secret = utf8('chain state 12345')
    const box = sealTo(prekey.publicKey, secret, CONTEXT)
    expect(box.ephemeral).toHaveLength(32)
    expect(box.ciphertext).toHaveLength(secret.length + 16)
    expect(openFrom(prekey.secretKey, box, CONTEXT)).toEqual(secret)
  })

  it('round-trip a secret sealed to an identity key converted from Ed25519', () => {
    const bob = createIdentity()
    const secret = utf8('NEWCODESECRET0123456789ABC')
    const box = sealTo(identityToX25519(bob.publicKey), secret, CONTEXT)
    expect(openFrom(identitySecretToX25519(bob.secretKey), box, CONTEXT)).toEqual(secret)
  })

  it('use a fresh ephemeral key each time, so the same secret seals differently', () => {
    const prekey = createPrekey()
    const a = sealTo(prekey.publicKey, utf8('same'), CONTEXT)
    const b = sealTo(prekey.publicKey, utf8('same'), CONTEXT)
    expect(a.ephemeral).not.toEqual(b.ephemeral)
    expect(a.ciphertext).not.toEqual(b.ciphertext)
  })

  it('refuse the wrong recipient key with DecryptError', () => {
    const box = sealTo(createPrekey().publicKey, utf8('secret'), CONTEXT)
    expectDecryptError(() => openFrom(createPrekey().secretKey, box, CONTEXT))
    const bob = createIdentity()
    const toBob = sealTo(identityToX25519(bob.publicKey), utf8('secret'), CONTEXT)
    expectDecryptError(() => openFrom(identitySecretToX25519(createIdentity().secretKey), toBob, CONTEXT))
  })

  it('refuse the wrong context with DecryptError', () => {
    const prekey = createPrekey()
    const box = sealTo(prekey.publicKey, utf8('secret'), CONTEXT)
    expectDecryptError(() => openFrom(prekey.secretKey, box, utf8('test/other')))
    expectDecryptError(() => openFrom(prekey.secretKey, box, new Uint8Array(0)))
  })

  it('refuse a tampered ciphertext or ephemeral key with DecryptError', () => {
    const prekey = createPrekey()
    const box = sealTo(prekey.publicKey, utf8('secret'), CONTEXT)
    for (let i = 0; i < box.ciphertext.length; i++) {
      const ciphertext = box.ciphertext.slice()
      ciphertext[i] ^= 1
      expectDecryptError(() => openFrom(prekey.secretKey, { ...box, ciphertext }, CONTEXT))
    }
    const ephemeral = box.ephemeral.slice()
    ephemeral[0] ^= 1
    expectDecryptError(() => openFrom(prekey.secretKey, { ...box, ephemeral }, CONTEXT))
    expectDecryptError(() => openFrom(prekey.secretKey, { ...box, ephemeral: new Uint8Array(3) }, CONTEXT))
  })
})
