/**
 * A relay restart on the same data dir and ports: the relay keeps its identity, and members get
 * their reservations back (libp2p alone would leave them stranded, js-libp2p issue 3601).
 */
import { execSync } from 'node:child_process'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import type { MeshNode } from '../../src/net/libp2p-node.js'
import { waitFor } from '../helpers/node-peer.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'

const circuitVia = (node: MeshNode, relayPeerId: string): string | undefined =>
  node.getMultiaddrs().map(String).find(a => a.includes(`/p2p/${relayPeerId}/p2p-circuit/webrtc`) && !a.includes('/tls/'))

describe('a relay restarted on the same data dir and ports', () => {
  let relay: RelayProcess
  let first: RelayProcess
  const nodes: MeshNode[] = []

  beforeAll(async () => {
    relay = first = await startRelayProcess()
    for (let i = 0; i < 2; i++) nodes.push(await createMeshNode({ relays: relay.multiaddrs, reservationCheckIntervalMs: 500 }))
    relay = await relay.restart()
  }, 60_000)

  afterAll(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await relay?.stop()
  })

  it('keeps its peer id and addresses', () => {
    expect(relay.peerId).toBe(first.peerId)
    expect(relay.multiaddrs).toEqual(first.multiaddrs)
    expect(relay.secureMultiaddrs).toEqual(first.secureMultiaddrs)
  })

  it('gives members their reservations back, so they can reach each other through it again', async () => {
    await waitFor(() => nodes.every(n => circuitVia(n, relay.peerId) !== undefined), 20_000,
      () => `circuit addresses: ${nodes.map(n => circuitVia(n, relay.peerId) ?? 'none').join(', ')}`)
    const health = await (await fetch(new URL('/health', relay.httpUrl))).json()
    expect(health.reservations).toBe(2)
    const connection = await nodes[1].dial(multiaddr(circuitVia(nodes[0], relay.peerId)!), { signal: AbortSignal.timeout(15_000) })
    expect(connection.remotePeer.equals(nodes[0].peerId)).toBe(true)
  }, 40_000)
})

describe('a relay that stops answering without closing its connections', () => {
  let relay: RelayProcess
  let node: MeshNode
  /** The relay's own process and those it runs under: all of them freeze, as a host would. */
  const signalRelay = (signal: NodeJS.Signals): void => {
    const pids = [relay.process.pid!, ...execSync(`pgrep -P ${relay.process.pid} || true`).toString().split(/\s+/).filter(Boolean).map(Number)]
    for (const pid of pids) process.kill(pid, signal)
  }

  beforeAll(async () => {
    relay = await startRelayProcess()
    node = await createMeshNode({ relays: relay.multiaddrs, reservationCheckIntervalMs: 500, relayPingIntervalMs: 1_000 })
    await waitFor(() => circuitVia(node, relay.peerId) !== undefined, 20_000)
  }, 60_000)

  afterAll(async () => {
    try { signalRelay('SIGCONT') } catch {}
    await node?.stop()
    await relay?.stop()
  })

  it('is let go of, and its reservation is made again once it answers', async () => {
    signalRelay('SIGSTOP')
    const toRelay = (): number => node.getConnections().filter(c => c.remotePeer.toString() === relay.peerId).length
    // a check every second, each given 10 s to be answered
    await waitFor(() => toRelay() === 0 && circuitVia(node, relay.peerId) === undefined, 20_000,
      () => `${toRelay()} connections to the frozen relay`)
    signalRelay('SIGCONT')
    await waitFor(() => circuitVia(node, relay.peerId) !== undefined, 20_000, () => 'a reservation at the relay again')
  }, 60_000)
})
