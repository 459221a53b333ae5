/**
 * Node peers reach the relay over secure WebSockets (`/tls/ws`), as a page served over HTTPS
 * must, and reach each other through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import type { MeshNode } from '../../src/net/libp2p-node.js'
import { dialOverWebRTC, waitUntilDialable } from '../helpers/node-peer.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { trustRelayCertificate } from '../helpers/trust-certificate.js'

describe('a Node peer over WSS', () => {
  let relay: RelayProcess
  const nodes: MeshNode[] = []

  beforeAll(async () => {
    relay = await startRelayProcess()
    await trustRelayCertificate(relay.dataDir)
  })

  afterAll(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await relay?.stop()
  })

  it('connects to the relay over /tls/ws and gets a reservation', async () => {
    expect(relay.secureMultiaddrs).toHaveLength(1)
    const node = await createMeshNode({ relays: relay.secureMultiaddrs })
    nodes.push(node)
    const connection = node.getConnections().find(c => c.remotePeer.toString() === relay.peerId)
    expect(connection?.remoteAddr.toString()).toMatch(/\/tls\/ws/)
    await waitUntilDialable([node])
  })

  it('lets two WSS peers open a direct WebRTC connection signalled through the relay', async () => {
    const other = await createMeshNode({ relays: relay.secureMultiaddrs })
    nodes.push(other)
    await waitUntilDialable([other])
    const connection = await dialOverWebRTC(other, nodes[0])
    expect(connection.remotePeer.equals(nodes[0].peerId)).toBe(true)
    expect(connection.remoteAddr.toString()).toMatch(/\/webrtc/)
  })

  it('is refused by a peer that does not trust the certificate', async () => {
    // A fresh process would not trust it; here: a relay with another, untrusted certificate.
    const stranger = await startRelayProcess()
    try {
      await expect(createMeshNode({ relays: stranger.secureMultiaddrs })).rejects.toThrow()
    } finally {
      await stranger.stop()
    }
  })
})
