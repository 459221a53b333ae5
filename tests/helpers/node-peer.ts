/**
 * A member running in Node, built from the real parts: a libp2p node over WebRTC through the
 * relay, the libp2p transport, and a client over a store.
 */
import { Client } from '../../src/client/client.js'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import type { MeshNode } from '../../src/net/libp2p-node.js'
import { Libp2pTransport } from '../../src/net/libp2p-transport.js'
import type { Room, RoomInit } from '../../src/room/room.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import type { Store } from '../../src/store/store.js'
import type { Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface NodePeer {
  readonly name: string
  readonly node: MeshNode
  readonly transport: Libp2pTransport
  readonly client: Client
  stop(): Promise<void>
}

export interface NodePeerOptions {
  store?: Store
  /** gossipsub seen-cache lifetime, ms */
  seenTtlMs?: number
  /** the member's clock */
  now?: () => number
  roomInit?: RoomInit
  /** Post "joined"/"left" notices, as the app does. */
  membershipNotices?: boolean
  /** How many members of a room to connect to (the transport's bound). */
  roomNeighbours?: number
}

export async function startNodePeer (name: string, relays: string[], options: NodePeerOptions = {}): Promise<NodePeer> {
  const node = await createMeshNode({ relays, seenTtlMs: options.seenTtlMs })
  const transport = new Libp2pTransport(node, relays, { discoveryIntervalMs: 1_000, roomNeighbours: options.roomNeighbours })
  const client = await Client.open({ store: options.store ?? new MemoryStore(), now: options.now, roomInit: options.roomInit, membershipNotices: options.membershipNotices })
  await client.setDisplayName(name)
  client.attachTransport(transport)
  return {
    name,
    node,
    transport,
    client,
    async stop () {
      await client.close()
      transport.stop()
      await node.stop()
    }
  }
}

/** Two members, Ada and Ben, in one room, connected over WebRTC through the relay. */
export async function startConnectedPair (relays: string[]): Promise<{ peers: NodePeer[], rooms: Room[] }> {
  const peers: NodePeer[] = []
  for (const name of ['Ada', 'Ben']) peers.push(await startNodePeer(name, relays))
  const rooms = [await peers[0].client.createRoom()]
  rooms.push(await peers[1].client.joinRoom(rooms[0].code.display))
  await waitForPeers(rooms, 1)
  return { peers, rooms }
}

/** Resolves once every room sees `count` peers on its topic. */
export async function waitForPeers (rooms: Room[], count: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(() => rooms.every(r => r.peerCount >= count), timeoutMs,
    () => `rooms see ${rooms.map(r => r.peerCount).join(', ')} peers, expected ${count}`)
}

export async function waitFor (condition: () => boolean, timeoutMs = 10_000, describe = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${describe()}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

export const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** Dials with a few tries: on a busy 2-core machine a WebRTC dial can miss its first deadline. */
export async function dialWithRetry (node: MeshNode, addr: Multiaddr, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await node.dial(addr, { signal: AbortSignal.timeout(10_000) })
      return
    } catch (err) {
      if (attempt >= attempts) throw err
      await sleep(500)
    }
  }
}

/** The address others dial `node` at: WebRTC, signalled through a relay; none until it holds a reservation. */
export function relayedWebRTCAddr (node: MeshNode): Multiaddr | undefined {
  return node.getMultiaddrs().find(a => a.toString().includes('/p2p-circuit/webrtc'))
}

/** Resolves once others can dial every node: a node starts before its relay reservations are made. */
export async function waitUntilDialable (nodes: MeshNode[], timeoutMs = 15_000): Promise<void> {
  await waitFor(() => nodes.every(n => relayedWebRTCAddr(n) !== undefined), timeoutMs,
    () => `${nodes.filter(n => relayedWebRTCAddr(n) !== undefined).length} of ${nodes.length} nodes dialable`)
}

/** Opens a direct WebRTC connection from `from` to `to`, signalled through the relay. */
export async function dialOverWebRTC (from: MeshNode, to: MeshNode): Promise<Connection> {
  const target = relayedWebRTCAddr(to)
  if (target === undefined) throw new Error('the node to dial holds no reservation')
  return await from.dial(target, { signal: AbortSignal.timeout(15_000) })
}

/**
 * Counts, on `topic`, the messages a node passes on to others after accepting them (gossipsub's
 * forwarding, as opposed to publishing its own), and the "don't send me this" notices it sends
 * its mesh on receiving one (gossipsub's IDONTWANT). Watches gossipsub's own methods for them.
 */
export function watchGossip (node: MeshNode, topic: string): { readonly passedOn: number, readonly dontWants: number, stop(): void } {
  type Forward = (msgId: unknown, message: { topic: string }, ...rest: unknown[]) => void
  type DontWant = (msgId: unknown, topic: string, ...rest: unknown[]) => void
  const pubsub = node.services.pubsub as unknown as { forwardMessage: Forward, sendIDontWants: DontWant }
  const { forwardMessage, sendIDontWants } = pubsub
  let passedOn = 0
  let dontWants = 0
  pubsub.forwardMessage = function (this: unknown, msgId, message, ...rest) {
    if (message.topic === topic) passedOn++
    forwardMessage.call(this, msgId, message, ...rest)
  }
  pubsub.sendIDontWants = function (this: unknown, msgId, messageTopic, ...rest) {
    if (messageTopic === topic) dontWants++
    sendIDontWants.call(this, msgId, messageTopic, ...rest)
  }
  return {
    get passedOn () { return passedOn },
    get dontWants () { return dontWants },
    stop () {
      pubsub.forwardMessage = forwardMessage
      pubsub.sendIDontWants = sendIDontWants
    }
  }
}
