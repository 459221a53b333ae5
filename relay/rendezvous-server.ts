/**
 * The relay's side of the rendezvous protocol (src/net/rendezvous-codec.ts): a bounded, expiring
 * table of which peers registered under which opaque namespace. It never learns room codes or
 * topics, and holds nothing that survives a restart.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { bytesToHex } from '../src/bytes.js'
import {
  MAX_PEERS_PER_RESPONSE, MAX_RENDEZVOUS_MESSAGE_BYTES, Op, Status, decodeRequest, encodeResponse
} from '../src/net/rendezvous-codec.js'
import type { RendezvousPeer, RendezvousResponse } from '../src/net/rendezvous-codec.js'

export interface RendezvousLimits {
  /** Distinct namespaces held at once. */
  maxNamespaces: number
  /** Peers held per namespace. */
  maxPeersPerNamespace: number
  /** Namespaces one peer may be registered under at once. */
  maxNamespacesPerPeer: number
}

export const DEFAULT_RENDEZVOUS_LIMITS: RendezvousLimits = {
  maxNamespaces: 10_000,
  maxPeersPerNamespace: 500,
  maxNamespacesPerPeer: 64
}

interface Registration {
  readonly peerId: Uint8Array
  readonly addrs: Uint8Array[]
  readonly expires: number
}

export class RendezvousServer {
  private readonly namespaces = new Map<string, Map<string, Registration>>()
  private readonly perPeer = new Map<string, Set<string>>()

  constructor (
    private readonly limits: RendezvousLimits = DEFAULT_RENDEZVOUS_LIMITS,
    private readonly log: (event: string, fields?: Record<string, unknown>) => void = () => {},
    private readonly now: () => number = Date.now
  ) {}

  /** Number of live registrations, for metrics. */
  get registrations (): number {
    let n = 0
    for (const peers of this.namespaces.values()) n += peers.size
    return n
  }

  get namespaceCount (): number {
    return this.namespaces.size
  }

  /** libp2p stream handler: one request, one response. */
  readonly handle = async (stream: Stream, connection: Connection): Promise<void> => {
    const signal = AbortSignal.timeout(5_000)
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_RENDEZVOUS_MESSAGE_BYTES })
      const request = await lp.read({ signal })
      await lp.write(encodeResponse(this.answer(connection.remotePeer, request.subarray())), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  /** Applies one request from an authenticated peer; pure apart from the table. */
  answer (remote: PeerId, bytes: Uint8Array): RendezvousResponse {
    let request
    try {
      request = decodeRequest(bytes)
    } catch (err) {
      this.log('rendezvous.bad_request', { peer: remote.toString(), error: (err as Error).message })
      return { status: Status.BadRequest, peers: [] }
    }
    this.expire()
    const ns = bytesToHex(request.namespace)
    const peer = remote.toString()
    if (request.op === Op.Unregister) {
      this.remove(ns, peer)
      return { status: Status.Ok, peers: [] }
    }
    let peers = this.namespaces.get(ns)
    const mine = this.perPeer.get(peer) ?? new Set()
    if (peers === undefined && this.namespaces.size >= this.limits.maxNamespaces) {
      this.log('rendezvous.limit', { limit: 'maxNamespaces', value: this.limits.maxNamespaces })
      return { status: Status.Full, peers: [] }
    }
    if (!mine.has(ns) && mine.size >= this.limits.maxNamespacesPerPeer) {
      this.log('rendezvous.limit', { limit: 'maxNamespacesPerPeer', peer, value: this.limits.maxNamespacesPerPeer })
      return { status: Status.Full, peers: [] }
    }
    if (peers !== undefined && !peers.has(peer) && peers.size >= this.limits.maxPeersPerNamespace) {
      this.log('rendezvous.limit', { limit: 'maxPeersPerNamespace', value: this.limits.maxPeersPerNamespace })
      return { status: Status.Full, peers: [] }
    }
    if (peers === undefined) this.namespaces.set(ns, peers = new Map())
    peers.set(peer, {
      peerId: remote.toMultihash().bytes,
      addrs: request.addrs,
      expires: this.now() + request.ttlSeconds * 1000
    })
    mine.add(ns)
    this.perPeer.set(peer, mine)
    const others: RendezvousPeer[] = []
    // Newest registrations first: they are the most likely to be online.
    const sorted = [...peers.entries()].sort((a, b) => b[1].expires - a[1].expires)
    for (const [id, registration] of sorted) {
      if (id === peer || registration.addrs.length === 0) continue
      others.push({ peerId: registration.peerId, addrs: registration.addrs })
      if (others.length >= MAX_PEERS_PER_RESPONSE) break
    }
    return { status: Status.Ok, peers: others }
  }

  /** Forgets every registration of a peer (called when its connection closes). */
  forgetPeer (peer: string): void {
    for (const ns of this.perPeer.get(peer) ?? []) this.remove(ns, peer)
  }

  private remove (ns: string, peer: string): void {
    const peers = this.namespaces.get(ns)
    peers?.delete(peer)
    if (peers?.size === 0) this.namespaces.delete(ns)
    const mine = this.perPeer.get(peer)
    mine?.delete(ns)
    if (mine?.size === 0) this.perPeer.delete(peer)
  }

  private expire (): void {
    const now = this.now()
    for (const [ns, peers] of this.namespaces) {
      for (const [peer, registration] of peers) {
        if (registration.expires <= now) this.remove(ns, peer)
      }
    }
  }
}
