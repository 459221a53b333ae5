/**
 * Starts gossipsub on each new WebRTC connection at once, rather than after identify.
 *
 * libp2p tells gossipsub of a connection only once identify has run on it (a stream each way and
 * the peer's protocol list), and gossipsub then opens its stream and sends our subscriptions: on a
 * newcomer's first connection, one more exchange before anyone can send to them. Every WebRTC
 * connection here is to another member's node, which speaks gossipsub, so there is nothing to
 * wait for. The other side needs nothing: gossipsub answers an incoming stream with its own.
 */
import type { Connection, PeerId } from '@libp2p/interface'
import type { MeshNode } from './libp2p-node.js'

/** The gossipsub handlers libp2p's registrar calls (not part of its public type). */
interface GossipTopology {
  onPeerConnected?: (peerId: PeerId, connection: Connection) => void
  onPeerDisconnected?: (peerId: PeerId) => void
}

/**
 * Calls a gossipsub handler as libp2p's registrar does, which catches what it throws: forgetting a
 * peer fails, for one, while it still has scores in a topic we have left.
 */
function tell (handler: () => void): void {
  try {
    handler()
  } catch {
    // gossipsub's own state; nothing of ours to undo
  }
}

/** Starts it; the function returned stops it. */
export function gossipOnConnect (node: MeshNode): () => void {
  const gossip = node.services.pubsub as unknown as GossipTopology
  const onOpen = (event: CustomEvent<Connection>): void => {
    const connection = event.detail
    if (connection.limits !== undefined || !connection.remoteAddr.toString().includes('/webrtc')) return
    tell(() => { gossip.onPeerConnected?.(connection.remotePeer, connection) })
  }
  // libp2p tells gossipsub of a disconnection only for peers it told of a connection (after
  // identify): one that left before identify finished would stay in gossipsub's peers.
  const onDisconnect = (event: CustomEvent<PeerId>): void => { tell(() => { gossip.onPeerDisconnected?.(event.detail) }) }
  node.addEventListener('connection:open', onOpen)
  node.addEventListener('peer:disconnect', onDisconnect)
  return () => {
    node.removeEventListener('connection:open', onOpen)
    node.removeEventListener('peer:disconnect', onDisconnect)
  }
}
