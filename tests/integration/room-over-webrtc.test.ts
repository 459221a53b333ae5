/**
 * A real relay process and real Node peers over real WebRTC, in one room.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex, concatBytes, utf8 } from '../../src/bytes.js'
import { createIdentity } from '../../src/identity/identity.js'
import { decodeGossipFrame, encodeGossipFrame } from '../../src/net/gossip-frame.js'
import { Kind, encodePresenceBody } from '../../src/protocol/bodies.js'
import { openFrame, plainPayload, sealFrame, signMessage } from '../../src/protocol/envelope.js'
import type { SignedMessage } from '../../src/protocol/envelope.js'
import type { Room } from '../../src/room/room.js'
import type { MessageRecord } from '../../src/store/store.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { dialWithRetry, sleep, startNodePeer, waitFor, waitForPeers, watchGossip } from '../helpers/node-peer.js'
import type { NodePeer } from '../helpers/node-peer.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

describe('a room over WebRTC through a real relay', () => {
  let relay: RelayProcess
  const peers: NodePeer[] = []
  const rooms: Room[] = []
  const received: MessageRecord[][] = []
  const rejected: Error[][] = []

  beforeAll(async () => {
    relay = await startRelayProcess()
    for (const name of ['Ada', 'Ben', 'Cleo']) peers.push(await startNodePeer(name, relay.multiaddrs))
    const first = await peers[0].client.createRoom()
    rooms.push(first)
    for (const peer of peers.slice(1)) rooms.push(await peer.client.joinRoom(first.code.display))
    rooms.forEach((room, i) => {
      received[i] = []
      rejected[i] = []
      room.on('message', m => { if (m.state === 'received') received[i].push(m) })
      room.on('rejected', ({ error }) => { rejected[i].push(error) })
    })
    await waitForPeers(rooms, 2)
  }, 60_000)

  afterAll(async () => {
    await Promise.all(peers.map(async p => { await p.stop() }))
    await relay?.stop()
  })

  it('connects the members directly over WebRTC, not through the relay', () => {
    for (const peer of peers) {
      // Relayed connections carry only WebRTC signalling: the relay limits them (c.limits).
      const direct = peer.node.getConnections().filter(c => c.remotePeer.toString() !== relay.peerId && c.limits === undefined)
      expect(new Set(direct.map(c => c.remotePeer.toString())).size).toBe(2)
      for (const c of direct) expect(c.remoteAddr.toString()).toMatch(/\/webrtc\/p2p\/\w+$/)
    }
  })

  it('delivers every message to every other member exactly once', async () => {
    const sent: string[] = []
    for (let round = 0; round < 3; round++) {
      for (const [i, room] of rooms.entries()) {
        const text = `message ${round} from ${peers[i].name}`
        sent.push(text)
        const record = await room.send(text)
        expect(record.state).toBe('sent')
      }
    }
    await waitFor(() => received.every(list => list.length >= 6), 10_000,
      () => `received ${received.map(l => l.length).join(', ')}`)
    await sleep(500) // a duplicate would arrive in this window
    for (const [i, list] of received.entries()) {
      const expected = sent.filter(t => !t.endsWith(peers[i].name))
      expect(list.map(m => m.text).sort()).toEqual(expected.sort())
      // the author and signature survive the trip
      for (const m of list) expect(m.author).not.toBe(bytesToHex(peers[i].client.identity.publicKey))
    }
    const stored = await rooms[1].history()
    expect(stored.filter(m => m.text === 'message 0 from Ada')).toHaveLength(1)
  })

  it('shows each member who else is in the room, by name', async () => {
    await waitFor(() => rooms.every(r => r.members().filter(m => m.online).length === 3), 20_000)
    expect(rooms[0].members().map(m => m.name).sort()).toEqual(['Ada', 'Ben', 'Cleo'])
  })

  it('passes nothing on, and sends no notices about it, when the author reached every member itself', async () => {
    const gossip = peers.map(p => watchGossip(p.node, rooms[0].epoch.topic))
    try {
      const before = received.map(l => l.length)
      // short messages, and long ones (1 KB), for which gossipsub by default tells its mesh it has them
      for (let i = 0; i < 6; i++) await rooms[0].send(`straight to everyone ${i}`.padEnd(i % 2 === 0 ? 0 : 1_000, '.'))
      await waitFor(() => received[1].length >= before[1] + 6 && received[2].length >= before[2] + 6, 10_000,
        () => `received ${received.map(l => l.length).join(', ')}`)
      await sleep(500)
      // Ben and Cleo each hold a connection to Ada: what they got from her goes no further.
      expect(gossip.map(g => g.passedOn)).toEqual([0, 0, 0])
      expect(gossip.map(g => g.dontWants)).toEqual([0, 0, 0])
    } finally {
      for (const g of gossip) g.stop()
    }
  })

  it('gives a peer in another room nothing it can read', async () => {
    const outsider = await startNodePeer('Eve', relay.multiaddrs)
    peers.push(outsider)
    const elsewhere = await outsider.client.createRoom()
    const got: MessageRecord[] = []
    elsewhere.on('message', m => { got.push(m) })

    // The outsider also listens on the room's topic itself, as if it had learned the topic id.
    const frames: Uint8Array[] = []
    const pubsub = outsider.node.services.pubsub
    const topic = rooms[0].epoch.topic
    pubsub.subscribe(topic)
    pubsub.addEventListener('message', event => { frames.push(decodeGossipFrame(event.detail.data)!.frame) })
    await dialWithRetry(outsider.node, peers[0].node.getMultiaddrs().find(a => a.toString().includes('/webrtc'))!)
    await waitFor(() => pubsub.getSubscribers(topic).length > 0, 10_000)

    const countBefore = received[1].length
    await rooms[0].send('for members only')
    await waitFor(() => frames.length > 0 && received[1].length > countBefore && received[2].length > 0, 10_000)
    expect(got).toHaveLength(0)
    for (const frame of frames) {
      expect(() => openFrame(frame, tag => (bytesToHex(tag) === elsewhere.epoch.tagHex ? elsewhere.epoch : undefined))).toThrow()
      expect(bytesToHex(frame)).not.toContain(bytesToHex(utf8('for members only')))
    }
  })

  it('delivers a forged or tampered message to no one', async () => {
    const [ada, ben, cleo] = rooms
    const before = received.map(l => l.length)
    const rejectedBefore = rejected.map(l => l.length)
    const cleoPubsub = peers[2].node.services.pubsub
    const epoch = cleo.epoch
    const presence = encodePresenceBody({ name: 'Ada', online: true, prekey: new Uint8Array(32) })
    const unsigned = { kind: Kind.Presence, seq: 0, timestamp: Date.now(), body: presence }

    // Cleo, a member, signs with her own key but names Ada as the author.
    const real = await signMessage(peers[2].client.identity, epoch.epochId, unsigned)
    const forged: SignedMessage = { ...real, author: peers[0].client.identity.publicKey }
    await cleoPubsub.publish(epoch.topic, encodeGossipFrame(0, sealFrame(epoch, plainPayload(forged))))

    // Someone signs correctly, but for another room's epoch.
    const stranger = createIdentity()
    const otherRoom = await signMessage(stranger, new Uint8Array(32), { ...unsigned, timestamp: Date.now() + 1 })
    await cleoPubsub.publish(epoch.topic, encodeGossipFrame(0, sealFrame(epoch, plainPayload(otherRoom))))

    // A valid frame with one byte flipped in the ciphertext.
    const valid = sealFrame(epoch, plainPayload(await signMessage(peers[2].client.identity, epoch.epochId, { ...unsigned, timestamp: Date.now() + 2 })))
    valid[valid.length - 20] ^= 1
    await cleoPubsub.publish(epoch.topic, encodeGossipFrame(0, valid))

    // Garbage under an epoch tag nobody holds.
    await cleoPubsub.publish(epoch.topic, encodeGossipFrame(0, concatBytes(Uint8Array.of(1), crypto.getRandomValues(new Uint8Array(300)))))

    // Everyone opens and rejects all of them; Ada too the one that claims to be hers (another
    // device of hers could send it, so she checks it rather than assume it is an echo).
    await waitFor(() => rejected[0].length >= rejectedBefore[0] + 4 && rejected[1].length >= rejectedBefore[1] + 4, 10_000,
      () => `rejected ${rejected.map(l => l.length).join(', ')}`)
    await sleep(300)
    expect(received[0].length).toBe(before[0])
    expect(received[1].length).toBe(before[1])
    expect(rejected[1].slice(rejectedBefore[1]).map(e => e.name).sort())
      .toEqual(['BadSignatureError', 'BadSignatureError', 'DecryptError', 'UnknownEpochError'])
    expect(rejected[0].slice(rejectedBefore[0]).map(e => e.name).sort())
      .toEqual(['BadSignatureError', 'BadSignatureError', 'DecryptError', 'UnknownEpochError'])
    // The forged presence did not rename anyone.
    expect(ada.members().find(m => m.key === bytesToHex(peers[0].client.identity.publicKey))?.name).toBe('Ada')
    expect(ben.members().filter(m => m.name === 'Ada')).toHaveLength(1)
  })
})
