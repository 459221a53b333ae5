/**
 * An in-memory network for fast, deterministic tests of the core: every transport created from
 * one MemoryNetwork reaches every other one on the same topic, like a fully connected mesh.
 * Like gossipsub, it runs the receiver's handler once per distinct frame and stops a frame at a
 * peer that does not accept it.
 */
import { bytesToHex } from '../bytes.js'
import type { DirectChannel, DirectHandler, TopicSubscription, Transport } from './transport.js'

export class MemoryNetwork {
  readonly transports = new Set<MemoryTransport>()
  private nextId = 1

  /** @internal */
  newId (): string {
    return `memory-peer-${this.nextId++}`
  }

  /** A new peer on this network. */
  createTransport (): MemoryTransport {
    const transport = new MemoryTransport(this)
    this.transports.add(transport)
    return transport
  }

  /** Announces peer-count changes on a topic to every subscriber. */
  notifyPeers (topic: string): void {
    for (const t of this.transports) t.notifyPeers(topic)
  }
}

export class MemoryTransport implements Transport {
  readonly subscriptions = new Map<string, TopicSubscription>()
  private readonly seen = new Set<string>()
  /** While offline the peer neither sends nor receives, as if its network was gone. */
  online = true
  readonly id: string
  readonly direct: DirectChannel
  /** @internal */
  directHandler: DirectHandler | undefined

  constructor (private readonly network: MemoryNetwork) {
    this.id = network.newId()
    this.direct = {
      peers: topic => this.peers(topic).map(t => t.id),
      handle: handler => { this.directHandler = handler },
      request: (peer, request, options) => this.requestDirect(peer, request, options?.signal)
    }
  }

  /**
   * Runs the peer's handler and passes its frames on one by one; when either side goes offline
   * the reply breaks off, as a closed stream would.
   */
  private async * requestDirect (peer: string, request: Uint8Array, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const target = [...this.network.transports].find(t => t.id === peer)
    if (target === undefined || !target.online || !this.online || target.directHandler === undefined) {
      throw new Error(`Peer ${peer} is not reachable`)
    }
    for await (const frame of target.directHandler(request.slice(), this.id)) {
      signal?.throwIfAborted()
      if (!target.online || !this.online) throw new Error(`Peer ${peer} went away`)
      yield frame.slice()
      // Give the other side a turn, as a real stream would between frames.
      await new Promise(resolve => setTimeout(resolve, 0))
    }
  }

  subscribe (topic: string, subscription: TopicSubscription): void {
    this.subscriptions.set(topic, subscription)
    this.network.notifyPeers(topic)
  }

  unsubscribe (topic: string): void {
    this.subscriptions.delete(topic)
    this.network.notifyPeers(topic)
  }

  async publish (topic: string, frame: Uint8Array): Promise<number> {
    this.seen.add(bytesToHex(frame))
    const peers = this.peers(topic)
    await Promise.all(peers.map(async peer => { await peer.receive(topic, frame) }))
    return peers.length
  }

  peerCount (topic: string): number {
    return this.peers(topic).length
  }

  /** Goes offline or online again, telling every subscriber about the change in peers. */
  setOnline (online: boolean): void {
    this.online = online
    for (const topic of this.subscriptions.keys()) this.network.notifyPeers(topic)
  }

  /** @internal */
  notifyPeers (topic: string): void {
    this.subscriptions.get(topic)?.onPeers(this.peerCount(topic))
  }

  /** @internal */
  async receive (topic: string, frame: Uint8Array): Promise<void> {
    const id = bytesToHex(frame)
    if (this.seen.has(id)) return
    this.seen.add(id)
    await this.subscriptions.get(topic)?.onFrame(frame)
  }

  private peers (topic: string): MemoryTransport[] {
    if (!this.online) return []
    return [...this.network.transports].filter(t => t !== this && t.online && t.subscriptions.has(topic))
  }
}
