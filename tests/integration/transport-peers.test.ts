/**
 * The libp2p transport over a real relay and real WebRTC: when it says a member is there, a frame
 * sent that moment reaches the member. gossipsub learns of a member's subscription a moment before
 * it can send to the member; counting the member then lost a newcomer's first messages (and its
 * presence, so keys were exchanged only on a later try).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { utf8 } from '../../src/bytes.js'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import type { MeshNode } from '../../src/net/libp2p-node.js'
import { Libp2pTransport } from '../../src/net/libp2p-transport.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/node-peer.js'

const TOPIC = 'transport-peers-test'
const RENDEZVOUS = new Uint8Array(32).fill(7)

interface Member {
  readonly name: string
  readonly node: MeshNode
  /** Recipients of the frame sent when the first peer was counted. */
  readonly sentTo: number[]
  readonly frames: string[]
  stop(): Promise<void>
}

/** A member that says hello the moment it counts its first peer. */
async function startMember (relays: string[], name: string): Promise<Member> {
  const node = await createMeshNode({ relays })
  const transport = new Libp2pTransport(node, relays, { discoveryIntervalMs: 1_000 })
  const member: Member = {
    name,
    node,
    sentTo: [],
    frames: [],
    async stop () {
      transport.stop()
      await node.stop()
    }
  }
  let greeted = false
  transport.subscribe(TOPIC, {
    rendezvous: RENDEZVOUS,
    onFrame: async frame => {
      member.frames.push(new TextDecoder().decode(frame))
      return 'accept'
    },
    onPeers: count => {
      if (count === 0 || greeted) return
      greeted = true
      void transport.publish(TOPIC, utf8(`hello from ${name}`)).then(n => { member.sentTo.push(n) })
    }
  })
  return member
}

describe('the libp2p transport counts a member once a frame can reach it', () => {
  let relay: RelayProcess
  let first: Member
  const members: Member[] = []

  beforeAll(async () => {
    relay = await startRelayProcess()
    first = await startMember(relay.multiaddrs, 'first')
  }, 30_000)

  afterAll(async () => {
    await Promise.all([first, ...members].map(async m => { await m?.stop() }))
    await relay?.stop()
  })

  // Each newcomer meets a member who already counts others: three tries, as it is a race.
  it('hands the frame sent on first counting a peer to that peer, on both sides', async () => {
    for (let i = 0; i < 3; i++) {
      const newcomer = await startMember(relay.multiaddrs, `newcomer${i}`)
      members.push(newcomer)
      await waitFor(() => newcomer.sentTo.length === 1, 20_000, () => `newcomer${i} counted no peer`)
      expect(newcomer.sentTo[0], `recipients of newcomer${i}'s first frame`).toBeGreaterThanOrEqual(1)
      await waitFor(() => first.frames.includes(`hello from newcomer${i}`), 10_000,
        () => `the first member has ${JSON.stringify(first.frames)}`)
      await newcomer.stop()
    }
    expect(first.sentTo[0], "recipients of the first member's first frame").toBeGreaterThanOrEqual(1)
    expect(members[0].frames).toContain('hello from first')
  }, 90_000)
})

describe('the libp2p transport and a member on an earlier version of the app', () => {
  let relay: RelayProcess
  const members: Member[] = []

  beforeAll(async () => {
    relay = await startRelayProcess()
    for (const name of ['new', 'earlier']) members.push(await startMember(relay.multiaddrs, name))
    await waitFor(() => members.every(m => m.sentTo.length === 1), 20_000, () => 'members counting each other')
  }, 40_000)

  afterAll(async () => {
    await Promise.all(members.map(async m => { await m.stop() }))
    await relay?.stop()
  })

  it('takes a bare frame, without the header that says how far it went', async () => {
    // what an earlier version publishes: the frame alone, which begins with its version byte, 1
    await members[1].node.services.pubsub.publish(TOPIC, utf8('\u0001 from an earlier version'))
    await waitFor(() => members[0].frames.includes('\u0001 from an earlier version'), 10_000,
      () => `the member has ${JSON.stringify(members[0].frames)}`)
  })
})

describe('the libp2p transport prepares for a room about to be joined', () => {
  let relay: RelayProcess
  let member: Member
  let newcomer: { node: MeshNode, transport: Libp2pTransport } | undefined

  beforeAll(async () => {
    relay = await startRelayProcess()
    member = await startMember(relay.multiaddrs, 'member')
    // Dialable once its reservation gives it an address, which it registers at once.
    await waitFor(() => member.node.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit/webrtc')), 10_000, () => 'the member has a relayed address')
    await new Promise(resolve => setTimeout(resolve, 1_000))
  }, 30_000)

  afterAll(async () => {
    newcomer?.transport.stop()
    await newcomer?.node.stop()
    await member?.stop()
    await relay?.stop()
  })

  it("connects to the room's members without subscribing, and counts them at once on subscribing", async () => {
    const node = await createMeshNode({ relays: relay.multiaddrs })
    const transport = new Libp2pTransport(node, relay.multiaddrs, { discoveryIntervalMs: 60_000 })
    newcomer = { node, transport }
    transport.prepare(new Uint8Array(32).fill(9)) // a room nobody is in: nothing to connect to
    transport.prepare(RENDEZVOUS)
    const direct = (): boolean => node.getConnections(member.node.peerId).some(c => c.limits === undefined)
    await waitFor(direct, 20_000, () => `the newcomer connected to the member: ${JSON.stringify(node.getConnections().map(c => [String(c.remoteAddr), c.limits]))}`)
    expect(member.node.services.pubsub.getSubscribers(TOPIC).map(String)).not.toContain(node.peerId.toString())
    // The member's topics come with the connection, before the newcomer subscribes.
    await waitFor(() => node.services.pubsub.getSubscribers(TOPIC).some(p => p.equals(member.node.peerId)), 10_000,
      () => "the newcomer heard of the member's topic")

    let counted = -1
    transport.subscribe(TOPIC, { rendezvous: RENDEZVOUS, onFrame: async () => 'accept', onPeers: count => { counted = count } })
    // Already connected: gossipsub only has to exchange the subscriptions.
    await waitFor(() => counted === 1, 5_000, () => `the newcomer counted ${counted} peers`)
    expect(await transport.publish(TOPIC, utf8('hello after preparing'))).toBe(1)
    await waitFor(() => member.frames.includes('hello after preparing'), 10_000, () => `the member has ${JSON.stringify(member.frames)}`)
  }, 60_000)
})
