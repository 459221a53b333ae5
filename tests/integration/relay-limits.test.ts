/**
 * The relay under more demand than its limits: extra reservations are refused cleanly, each
 * refusal is logged, and the relay keeps serving the peers it accepted. A refused member still
 * reaches the others: it dials them, and only being dialled needs a reservation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import type { MeshNode } from '../../src/net/libp2p-node.js'
import { dialOverWebRTC, relayedWebRTCAddr, waitFor } from '../helpers/node-peer.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'

describe('a relay with --max-reservations 2 and four peers', () => {
  let relay: RelayProcess
  const nodes: MeshNode[] = []
  const reserved = (node: MeshNode): boolean => relayedWebRTCAddr(node) !== undefined
  let accepted: MeshNode[] = []
  let refused: MeshNode[] = []

  beforeAll(async () => {
    relay = await startRelayProcess(['--max-reservations', '2'])
    // Each starts once connected to the relay; the reservations are asked for after that.
    for (let i = 0; i < 4; i++) nodes.push(await createMeshNode({ relays: relay.multiaddrs }))
    // The relay holds no more than two, so two with an address and a refusal logged settle it.
    await waitFor(() => nodes.filter(reserved).length === 2 && relay.logs.some(l => l.event === 'relay.limit'), 15_000)
    accepted = nodes.filter(reserved)
    refused = nodes.filter(n => !reserved(n))
  }, 60_000)

  afterAll(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await relay?.stop()
  })

  it('gives two peers a reservation and refuses the other two', () => {
    expect(accepted).toHaveLength(2)
    expect(refused).toHaveLength(2)
  })

  it('logs a structured line naming the limit', async () => {
    await waitFor(() => relay.logs.some(l => l.event === 'relay.limit'), 5_000)
    const line = relay.logs.find(l => l.event === 'relay.limit')!
    expect(line).toMatchObject({ limit: 'maxReservations', value: 2 })
    expect(typeof line.peer).toBe('string')
    expect(typeof line.time).toBe('string')
  })

  it('stays up and keeps serving the peers it accepted', async () => {
    expect(relay.process.exitCode).toBeNull()
    const health = await (await fetch(new URL('/health', relay.httpUrl))).json()
    expect(health).toMatchObject({ ok: true, reservations: 2 })
    const [a, b] = accepted
    const connection = await dialOverWebRTC(b, a)
    expect(connection.remotePeer.equals(a.peerId)).toBe(true)
  })

  it('lets a refused peer dial one that holds a reservation', async () => {
    const connection = await dialOverWebRTC(refused[0], accepted[0])
    expect(connection.remotePeer.equals(accepted[0].peerId)).toBe(true)
    expect(connection.remoteAddr.toString()).toMatch(/\/webrtc/)
  })

  it('counts the refusals in /metrics', async () => {
    const text = await (await fetch(new URL('/metrics', relay.httpUrl))).text()
    const refusals = /^meshchat_relay_limit_refusals_total\{limit="maxReservations"\} (\d+)$/m.exec(text)
    expect(Number(refusals?.[1])).toBeGreaterThanOrEqual(2)
    expect(text).toMatch(/^meshchat_relay_reservations 2$/m)
  })
})
