/**
 * How frames leave over a real WebRTC data channel: each libp2p frame (a length prefix and its
 * bytes) goes out as one data channel message. @libp2p/webrtc 6.0.33 sent the prefix and the bytes
 * as two messages, two SCTP packets and two receive events for every gossip message; the fix is
 * applied on install by scripts/patch-dependencies.mjs, and this test fails without it.
 */
import { RTCDataChannel } from 'node-datachannel/polyfill'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Room } from '../../src/room/room.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { startConnectedPair, waitFor } from '../helpers/node-peer.js'
import type { NodePeer } from '../helpers/node-peer.js'
import { readVarint } from '../helpers/varint.js'

describe('frames on a WebRTC data channel', () => {
  let relay: RelayProcess
  let peers: NodePeer[] = []
  let rooms: Room[] = []
  const sent: Uint8Array[] = []
  const send = RTCDataChannel.prototype.send

  beforeAll(async () => {
    relay = await startRelayProcess()
    const pair = await startConnectedPair(relay.multiaddrs)
    peers = pair.peers
    rooms = pair.rooms
  }, 60_000)

  afterAll(async () => {
    RTCDataChannel.prototype.send = send
    await Promise.all(peers.map(async p => { await p.stop() }))
    await relay?.stop()
  })

  it('sends each frame, its length prefix included, as one data channel message', async () => {
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: Parameters<RTCDataChannel['send']>[0]) {
      if (data instanceof Uint8Array) sent.push(data.slice())
      send.call(this, data)
    }
    const arrived: string[] = []
    rooms[1].on('message', m => { if (m.state === 'received') arrived.push(m.text) })
    for (let i = 0; i < 5; i++) await rooms[0].send(`framed ${i}`)
    await waitFor(() => arrived.length === 5, 15_000, () => `${arrived.length} of 5 arrived`)
    RTCDataChannel.prototype.send = send

    expect(sent.length).toBeGreaterThanOrEqual(5)
    const broken = sent.filter(bytes => {
      const prefix = readVarint(bytes)
      return prefix.length === 0 || prefix.length + prefix.value !== bytes.length
    })
    expect(broken.map(b => b.length), 'messages that are not exactly one length-prefixed frame (their sizes)').toEqual([])
  })
})
