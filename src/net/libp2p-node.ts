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
import type { AbortOptions, PrivateKey, Startable } from '@libp2p/interface'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
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
  /** How often to check that every relay still holds our reservation, ms. */
  reservationCheckIntervalMs?: number
  /** How long gossipsub remembers message ids it has seen, ms (its default: 2 minutes). */
  seenTtlMs?: number
  /**
   * STUN servers for WebRTC, e.g. `stun:stun.example.org:3478`; none by default. Members on one
   * network connect by their host addresses alone. A STUN server is needed only between networks
   * behind NAT, and it learns the address of everyone who uses it.
   */
  iceServers?: string[]
}

const RESERVATION_CHECK_INTERVAL_MS = 3_000
/** libp2p gives a relay listen address up to 5 s to make its first reservation; wait that out. */
const FIRST_RESERVATION_GRACE_MS = 6_000
/**
 * How often libp2p pings every connection to find dead ones, ms (its default: 10 s). It pings all
 * of a member's connections at once, and on WebRTC each ping opens a new data channel: in a
 * 10-member bench room the pings were half of the members' CPU while idle, and their bursts
 * delayed messages by up to a few hundred milliseconds. WebRTC connections have their own liveness
 * checks (ICE consent), and presence tells who is online, so the pings mainly find a silently
 * dead relay connection; half a minute keeps that short.
 */
const CONNECTION_PING_INTERVAL_MS = 30_000

/** Creates and starts a member's node. It listens for WebRTC via a reservation on each relay. */
export async function createMeshNode (init: MeshNodeInit): Promise<MeshNode> {
  return await createLibp2p({
    privateKey: init.privateKey,
    addresses: {
      // Naming each relay explicitly: a bare '/p2p-circuit' did not produce reservations.
      listen: [...init.relays.map(relay => `${relay}/p2p-circuit`), '/webrtc']
    },
    transports: [
      webSockets(),
      // Without an explicit list @libp2p/webrtc asks four public STUN servers (Google, Twilio,
      // Cloudflare, Mozilla) on every connection, which tells them who uses the app and when.
      webRTC({ rtcConfiguration: { iceServers: (init.iceServers ?? []).map(urls => ({ urls })) } }),
      circuitRelayTransport()
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Browsers refuse private and loopback addresses by default; a LAN messenger needs them.
    connectionGater: { denyDialMultiaddr: async () => false },
    connectionMonitor: { pingInterval: CONNECTION_PING_INTERVAL_MS },
    services: {
      relayReservations: keepRelayReservations(init.relays, init.reservationCheckIntervalMs ?? RESERVATION_CHECK_INTERVAL_MS),
      identify: identify(),
      pubsub: gossipsub({
        // Authenticity comes from the author's signature inside the encrypted frame; gossipsub's
        // own signing would stamp libp2p peer ids on room traffic.
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: message => sha256(message.data),
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        emitSelf: false,
        // Rooms are small and fully connected, and our own messages go straight to every member
        // (flood publish): a mesh of 3 instead of 6 halves the redundant forwarding. Measured in
        // a 10-member room: p50 14 -> 10 ms, p99 44 -> 21 ms (bench/results).
        D: 3,
        Dlo: 2,
        Dhi: 5,
        Dout: 1,
        maxInboundDataLength: MAX_FRAME_BYTES,
        ...(init.seenTtlMs !== undefined ? { seenTTL: init.seenTtlMs } : {})
      })
    }
  })
}

/** The parts of libp2p's internal components the reservation keeper uses. */
interface KeeperComponents {
  transportManager: { getAddrs(): Multiaddr[], listen(addrs: Multiaddr[]): Promise<void> }
  connectionManager: { openConnection(addr: Multiaddr, options?: AbortOptions): Promise<unknown> }
}

/**
 * Re-makes a relay reservation that was lost. libp2p makes a reservation from a relay listen
 * address once and never again after the relay restarts or the connection drops (js-libp2p
 * issue 3601), which leaves the member unreachable through that relay. This checks each relay on
 * an interval and, when our circuit address through it is gone and the relay answers again,
 * listens through it anew. It dials first so that a relay that is still down costs no listener.
 */
function keepRelayReservations (relays: string[], intervalMs: number): (components: KeeperComponents) => Startable {
  return components => {
    let grace: ReturnType<typeof setTimeout> | undefined
    let timer: ReturnType<typeof setInterval> | undefined
    let checking = false
    const check = async (): Promise<void> => {
      if (checking) return
      checking = true
      try {
        for (const relay of relays) {
          const peer = multiaddr(relay).getComponents().findLast(c => c.name === 'p2p')?.value
          const marker = `/p2p/${peer}/p2p-circuit`
          if (peer === undefined || components.transportManager.getAddrs().some(a => a.toString().includes(marker))) continue
          try {
            await components.connectionManager.openConnection(multiaddr(relay), { signal: AbortSignal.timeout(intervalMs) })
            await components.transportManager.listen([multiaddr(`${relay}/p2p-circuit`)])
          } catch {
            // Still unreachable or refusing: the next check tries again.
          }
        }
      } finally {
        checking = false
      }
    }
    return {
      start: () => {},
      // Checking while libp2p is still making the first reservations would listen twice.
      afterStart: () => {
        grace = setTimeout(() => {
          timer = setInterval(() => { void check() }, intervalMs)
        }, Math.max(0, FIRST_RESERVATION_GRACE_MS - intervalMs))
      },
      stop: () => {
        clearTimeout(grace)
        clearInterval(timer)
      }
    }
  }
}
