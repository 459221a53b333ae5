/**
 * Chains are shared once per prekey and again only when a member asks: a lost share is recovered,
 * and heartbeats do not cost a seal per member.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Mode, decodeSigned } from '../../src/protocol/envelope.js'
import { Kind, decodePresenceBody } from '../../src/protocol/bodies.js'
import { KeyBook } from '../../src/room/key-book.js'
import { Harness, internals, payloadOf, texts, waitFor } from './room-harness.js'
import type { Member } from './room-harness.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

describe('KeyBook.needsShare', () => {
  it('is true for a new prekey, then only when asked and at most once a second', () => {
    let now = 1_000_000
    const self = new Uint8Array(32).fill(1)
    const member = new Uint8Array(32).fill(2)
    const book = new KeyBook(self, () => now)
    const epoch = { tagHex: 'aa', epochId: new Uint8Array(32) } as unknown as Parameters<KeyBook['needsShare']>[0]
    const prekey = new KeyBook(member).prekey.publicKey
    expect(book.needsShare(epoch, member, prekey, false)).toBe(true)
    book.shareWith(epoch, [{ key: member, prekey }])
    now += 60_000
    expect(book.needsShare(epoch, member, prekey, false)).toBe(false)
    expect(book.needsShare(epoch, member, prekey, true)).toBe(true)
    book.shareWith(epoch, [{ key: member, prekey }])
    now += 500
    expect(book.needsShare(epoch, member, prekey, true)).toBe(false)
    now += 500
    expect(book.needsShare(epoch, member, prekey, true)).toBe(true)
  })
})

describe('key re-sharing in a room', () => {
  let harness: Harness
  afterEach(async () => { await harness.close() })

  function kindOf (member: Member, frame: Uint8Array): number | undefined {
    const payload = payloadOf(member.room, frame)
    return payload.mode === Mode.Plain ? decodeSigned(payload.data).kind : undefined
  }

  it('does not share again on a heartbeat presence that does not ask', async () => {
    harness = new Harness()
    const [ann, bo] = await harness.group(['Ann', 'Bo'])
    const sharesBefore = ann.published.filter(f => kindOf(ann, f) === Kind.KeyShare).length
    // Bo announces himself again, as on every heartbeat.
    await (bo.room as unknown as { sendPresence: (online: boolean) => Promise<void> }).sendPresence(true)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(ann.published.filter(f => kindOf(ann, f) === Kind.KeyShare).length).toBe(sharesBefore)
  })

  it('recovers a lost share: the reader asks, the writer shares again, the message is read', async () => {
    harness = new Harness()
    const ann = await harness.member('Ann')
    const bo = await harness.member('Bo')
    await harness.enter(ann)
    await harness.enter(bo, ann.room.code.display)
    // Every key share Ann sends before her message is lost on the way.
    let dropShares = true
    const publish = ann.transport.publish.bind(ann.transport)
    ann.transport.publish = async (topic, frame) => {
      if (dropShares && kindOf(ann, frame) === Kind.KeyShare) return 1
      return await publish(topic, frame)
    }
    ann.client.attachTransport(ann.transport)
    bo.client.attachTransport(bo.transport)
    await waitFor(() => internals(bo.room).keys.receiver(internals(bo.room).epochs.current, ann.identity.publicKey,
      internals(ann.room).keys.ownChain(internals(ann.room).epochs.current).chainId) === undefined &&
      internals(ann.room).keys.needsShare(internals(ann.room).epochs.current, bo.identity.publicKey, internals(bo.room).keys.prekey.publicKey, false) === false,
    'Ann to have shared (and lost) her chain')
    dropShares = false
    await ann.room.send('can you read me?')
    await waitFor(async () => (await texts(bo)).includes('can you read me?'), 'Bo to read the message after asking for keys', 8_000)
    const asked = bo.published.filter(f => kindOf(bo, f) === Kind.Presence)
      .map(f => decodePresenceBody(decodeSigned(payloadOf(bo.room, f).data).body))
      .some(presence => presence.wantsKeys === true)
    expect(asked).toBe(true)
  })
})
