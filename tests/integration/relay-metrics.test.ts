/**
 * The relay's observability: /health and /metrics (Prometheus text) follow what happens on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import type { MeshNode } from '../../src/net/libp2p-node.js'
import { rendezvousRegister } from '../../src/net/rendezvous-client.js'
import { relayedWebRTCAddr, waitUntilDialable } from '../helpers/node-peer.js'
import { parsePrometheus } from '../helpers/prometheus.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'

describe('relay /health and /metrics', () => {
  let relay: RelayProcess
  const nodes: MeshNode[] = []

  const metrics = async (): Promise<Map<string, number>> => {
    const response = await fetch(new URL('/metrics', relay.httpUrl))
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    return parsePrometheus(await response.text())
  }

  /** The metrics once `done` holds of them, or as they are after 10 s (the relay counts asynchronously). */
  const metricsUntil = async (done: (m: Map<string, number>) => boolean): Promise<Map<string, number>> => {
    const deadline = Date.now() + 10_000
    let m = await metrics()
    while (!done(m) && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 100))
      m = await metrics()
    }
    return m
  }

  beforeAll(async () => {
    relay = await startRelayProcess(['--max-reservations', '10', '--max-connections', '50'])
  })

  afterAll(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await relay?.stop()
  })

  it('reports health as JSON', async () => {
    const response = await fetch(new URL('/health', relay.httpUrl))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ ok: true, peerId: relay.peerId, connections: 0, reservations: 0 })
  })

  it('starts with every counter at zero and the configured maxima', async () => {
    const m = await metrics()
    expect(m.get('meshchat_relay_connections')).toBe(0)
    expect(m.get('meshchat_relay_reservations')).toBe(0)
    expect(m.get('meshchat_relay_reservations_max')).toBe(10)
    expect(m.get('meshchat_relay_connections_max')).toBe(50)
    expect(m.get('meshchat_relay_rendezvous_registrations')).toBe(0)
    expect(m.get('meshchat_relay_rendezvous_namespaces')).toBe(0)
    expect(m.get('meshchat_relay_relayed_bytes_total')).toBe(0)
  })

  it('counts connections, reservations, rendezvous registrations and relayed bytes', async () => {
    for (let i = 0; i < 2; i++) nodes.push(await createMeshNode({ relays: relay.multiaddrs }))
    await waitUntilDialable(nodes)
    const room = crypto.getRandomValues(new Uint8Array(32))
    const other = crypto.getRandomValues(new Uint8Array(32))
    await rendezvousRegister(nodes[0], nodes[0].getConnections()[0].remotePeer, room, 60)
    await rendezvousRegister(nodes[1], nodes[1].getConnections()[0].remotePeer, room, 60)
    await rendezvousRegister(nodes[1], nodes[1].getConnections()[0].remotePeer, other, 60)
    // A circuit through the relay carries the WebRTC signalling. What is counted here is the
    // circuit, not whether the direct connection then comes up (other tests cover that).
    const dial = nodes[1].dial(relayedWebRTCAddr(nodes[0])!, { signal: AbortSignal.timeout(15_000) }).catch(() => {})
    await metricsUntil(m => (m.get('meshchat_relay_relayed_circuits_total') ?? 0) >= 1 && (m.get('meshchat_relay_relayed_bytes_total') ?? 0) > 0)
    await dial

    const m = await metrics()
    expect(m.get('meshchat_relay_connections')).toBe(2)
    expect(m.get('meshchat_relay_peers')).toBe(2)
    expect(m.get('meshchat_relay_reservations')).toBe(2)
    expect(m.get('meshchat_relay_rendezvous_registrations')).toBe(3)
    expect(m.get('meshchat_relay_rendezvous_namespaces')).toBe(2)
    expect(m.get('meshchat_relay_relayed_circuits_total')).toBeGreaterThanOrEqual(1)
    expect(m.get('meshchat_relay_relayed_bytes_total')).toBeGreaterThan(0)
    expect(m.get('meshchat_relay_uptime_seconds')).toBeGreaterThanOrEqual(0)
    expect(m.get('meshchat_relay_resident_memory_bytes')).toBeGreaterThan(0)

    const health = await (await fetch(new URL('/health', relay.httpUrl))).json()
    expect(health).toMatchObject({ ok: true, connections: 2, reservations: 2 })
  })

  it('forgets a peer\'s registrations when it disconnects', async () => {
    await nodes.pop()!.stop()
    // The relay learns of the disconnect asynchronously.
    const m = await metricsUntil(m => m.get('meshchat_relay_rendezvous_registrations') === 1)
    expect(m.get('meshchat_relay_rendezvous_registrations')).toBe(1)
    expect(m.get('meshchat_relay_rendezvous_namespaces')).toBe(1)
    expect(m.get('meshchat_relay_connections')).toBe(1)
  })
})
