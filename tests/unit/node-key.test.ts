import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { utf8 } from '../../src/bytes.js'
import { newNodeKey } from '../../src/net/libp2p-node.js'

describe('newNodeKey', () => {
  it('is an Ed25519 key whose public half belongs to its seed', async () => {
    const key = await newNodeKey()
    expect(key.type).toBe('Ed25519')
    // libp2p's own derivation from the same seed
    const derived = await generateKeyPairFromSeed('Ed25519', key.raw.subarray(0, 32))
    expect(key.publicKey.raw).toEqual(derived.publicKey.raw)
    expect(peerIdFromPrivateKey(key).equals(peerIdFromPrivateKey(derived))).toBe(true)
  })

  it('signs what its public key verifies, and nothing else', async () => {
    const key = await newNodeKey()
    const message = utf8('noise-libp2p-static-key:')
    const signature = await key.sign(message)
    expect(await key.publicKey.verify(message, signature)).toBe(true)
    expect(await key.publicKey.verify(utf8('something else'), signature)).toBe(false)
  })

  it('is new each time', async () => {
    const [a, b] = await Promise.all([newNodeKey(), newNodeKey()])
    expect(a.equals(b)).toBe(false)
  })
})
