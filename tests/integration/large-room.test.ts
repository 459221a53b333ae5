/**
 * A room larger than a member's bound on connections, over real WebRTC through a real relay:
 * members connect to a few others only (see room-neighbours.ts), and still every message reaches
 * every member, and a file reaches a member who is not connected to its sender.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { downloadFile, sendFile } from '../../src/files/room-files.js'
import { Kind } from '../../src/protocol/bodies.js'
import { decodeFileBody } from '../../src/protocol/file-body.js'
import type { Room } from '../../src/room/room.js'
import type { MessageRecord } from '../../src/store/store.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { startNodePeer, waitFor, waitForPeers, watchGossip } from '../helpers/node-peer.js'
import type { NodePeer } from '../helpers/node-peer.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

await loadCrypto()

const MEMBERS = 9
/** Each member dials its two ring successors and nobody else: a ring, 2 x 9 = 18 of the 36 pairs. */
const NEIGHBOURS = 2

describe('a room larger than the bound on connections', () => {
  let relay: RelayProcess
  const peers: NodePeer[] = []
  const rooms: Room[] = []
  const received: MessageRecord[][] = []

  /** The other members a member holds a direct (WebRTC) connection to. */
  const neighboursOf = (peer: NodePeer): Set<string> => {
    const members = new Set(peers.map(p => p.node.peerId.toString()))
    return new Set(peer.node.getConnections()
      .filter(c => c.limits === undefined && members.has(c.remotePeer.toString()))
      .map(c => c.remotePeer.toString()))
  }

  beforeAll(async () => {
    relay = await startRelayProcess()
    for (let i = 0; i < MEMBERS; i++) peers.push(await startNodePeer(`Member ${i}`, relay.multiaddrs, { roomNeighbours: NEIGHBOURS }))
    rooms.push(await peers[0].client.createRoom())
    for (const peer of peers.slice(1)) rooms.push(await peer.client.joinRoom(rooms[0].code.display))
    rooms.forEach((room, i) => {
      received[i] = []
      room.on('message', m => { if (m.state === 'received') received[i].push(m) })
    })
    await waitForPeers(rooms, NEIGHBOURS, 60_000)
  }, 120_000)

  afterAll(async () => {
    await Promise.all(peers.map(async p => { await p.stop() }))
    await relay?.stop()
  })

  it('connects each member to a few others, not to everyone', async () => {
    // Let discovery settle: members that joined later are found in the next rounds.
    await new Promise(resolve => setTimeout(resolve, 3_000))
    const pairs = new Set<string>()
    for (const peer of peers) {
      const self = peer.node.peerId.toString()
      for (const other of neighboursOf(peer)) pairs.add([self, other].sort().join(' '))
    }
    // A ring of successors is 18 pairs; a few more come from members dialling each other at once.
    expect(pairs.size).toBeGreaterThanOrEqual(MEMBERS)
    expect(pairs.size).toBeLessThan(MEMBERS * (MEMBERS - 1) / 2 - 6)
    expect(peers.some(p => neighboursOf(p).size < MEMBERS - 1)).toBe(true)
  })

  it('delivers every message to every other member, passed on by the members between', async () => {
    const senders = [0, 4, 8]
    const gossip = peers.map(p => watchGossip(p.node, rooms[0].epoch.topic))
    try {
      for (const i of senders) await rooms[i].send(`hello from ${i}`)
      for (const [i, list] of received.entries()) {
        const expected = senders.filter(s => s !== i).map(s => `hello from ${s}`)
        await waitFor(() => expected.every(text => list.some(m => m.text === text)), 20_000,
          () => `member ${i} has ${JSON.stringify(list.map(m => m.text))}, neighbours ${neighboursOf(peers[i]).size}`)
      }
      // No sender reaches everyone itself here, so the members it reached passed its message on.
      expect(gossip.filter(g => g.passedOn > 0).length).toBeGreaterThanOrEqual(2)
    } finally {
      for (const g of gossip) g.stop()
    }
  }, 60_000)

  it('brings a file to a member who is not connected to its sender', async () => {
    // Any two members without a connection between them: members that joined early may have
    // connected to everyone, as their ring successors changed with each newcomer.
    const pairs = peers.flatMap((sender, from) => peers.map((receiver, at) => ({ from, at, receiver }))
      .filter(({ at, receiver }) => at !== from && !neighboursOf(receiver).has(sender.node.peerId.toString())))
    expect(pairs.length, 'two members not connected to each other').toBeGreaterThan(0)
    const { from, at } = pairs[0]
    const content = new Uint8Array(randomBytes(300_000))
    await sendFile(await peers[from].client.loadFiles(), rooms[from], content, { fileName: 'notes.bin', mime: 'application/octet-stream', caption: '' })
    await waitFor(() => received[at].some(m => m.kind === Kind.File), 20_000, () => 'the file message')
    const file = decodeFileBody(received[at].find(m => m.kind === Kind.File)!.body)
    const files = await peers[at].client.loadFiles()
    const result = await downloadFile(files, rooms[at], file)
    expect(result.status).toBe('complete')
    expect(Buffer.from(await files.read(file)).equals(Buffer.from(content))).toBe(true)
  }, 60_000)
})
