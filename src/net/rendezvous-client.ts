/**
 * The member's side of the rendezvous protocol (see rendezvous-codec.ts).
 */
import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import {
  MAX_RENDEZVOUS_MESSAGE_BYTES, Op, RENDEZVOUS_PROTOCOL, Status, decodeResponse, encodeRequest
} from './rendezvous-codec.js'

export interface DiscoveredPeer {
  readonly peerId: PeerId
  readonly addrs: Multiaddr[]
}

const DEFAULT_TIMEOUT_MS = 5_000

/**
 * Registers this node under `namespace` at a relay and returns the other peers registered there.
 * Peers or addresses that do not parse are skipped: the relay is not trusted with their shape.
 */
export async function rendezvousRegister (node: Libp2p, relay: PeerId | Multiaddr, namespace: Uint8Array,
  ttlSeconds: number, options: AbortOptions = {}): Promise<DiscoveredPeer[]> {
  const addrs = node.getMultiaddrs().filter(a => a.toString().includes('/p2p-circuit')).map(a => a.bytes)
  const response = await exchange(node, relay, encodeRequest({ op: Op.Register, namespace, ttlSeconds, addrs }), options)
  if (response.status !== Status.Ok) throw new Error(`Relay refused the registration (status ${response.status})`)
  const peers: DiscoveredPeer[] = []
  for (const peer of response.peers) {
    try {
      const peerId = peerIdFromMultihash(Digest.decode(peer.peerId))
      if (peerId.equals(node.peerId)) continue
      peers.push({ peerId, addrs: peer.addrs.map(bytes => multiaddr(bytes)) })
    } catch {
      // skip what does not parse
    }
  }
  return peers
}

/** Removes this node's registration under `namespace`. */
export async function rendezvousUnregister (node: Libp2p, relay: PeerId | Multiaddr, namespace: Uint8Array,
  options: AbortOptions = {}): Promise<void> {
  await exchange(node, relay, encodeRequest({ op: Op.Unregister, namespace, ttlSeconds: 0, addrs: [] }), options)
}

async function exchange (node: Libp2p, relay: PeerId | Multiaddr, request: Uint8Array, options: AbortOptions) {
  const signal = options.signal ?? AbortSignal.timeout(DEFAULT_TIMEOUT_MS)
  const stream = await node.dialProtocol(relay, RENDEZVOUS_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_RENDEZVOUS_MESSAGE_BYTES })
    await lp.write(request, { signal })
    const reply = await lp.read({ signal })
    return decodeResponse(reply.subarray())
  } finally {
    await stream.close({ signal }).catch(() => { stream.abort(new Error('rendezvous closed')) })
  }
}
