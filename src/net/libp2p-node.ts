/**
 * The libp2p node a member runs, in the browser or in Node: WebSockets to reach relays, circuit
 * relay v2 for WebRTC signalling, WebRTC for the direct peer-to-peer connections, noise + yamux,
 * identify, and gossipsub for room topics.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { sha256 } from '@noble/hashes/sha2.js'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import { MAX_FRAME_BYTES } from '../protocol/constants.js'

export type MeshNode = Libp2p<{ identify: Identify, pubsub: GossipSub }>

export interface MeshNodeInit {
  /** Relay multiaddrs, each ending in `/p2p/<relay peer id>`. */
  relays: string[]
  /** The node's libp2p key; a fresh one per start if omitted (peer ids are not identities here). */
  privateKey?: PrivateKey
}

/** Creates and starts a member's node. It listens for WebRTC via a reservation on each relay. */
export async function createMeshNode (init: MeshNodeInit): Promise<MeshNode> {
  return await createLibp2p({
    privateKey: init.privateKey,
    addresses: {
      // Naming each relay explicitly: a bare '/p2p-circuit' did not produce reservations.
      listen: [...init.relays.map(relay => `${relay}/p2p-circuit`), '/webrtc']
    },
    transports: [webSockets(), webRTC(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Browsers refuse private and loopback addresses by default; a LAN messenger needs them.
    connectionGater: { denyDialMultiaddr: async () => false },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        // Authenticity comes from the author's signature inside the encrypted frame; gossipsub's
        // own signing would stamp libp2p peer ids on room traffic.
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: message => sha256(message.data),
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        emitSelf: false,
        maxInboundDataLength: MAX_FRAME_BYTES
      })
    }
  })
}
