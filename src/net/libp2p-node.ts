/**
 * The libp2p node a member runs, in the browser or in Node: WebSockets to reach relays, circuit
 * relay v2 for WebRTC signalling, WebRTC for the direct peer-to-peer connections, noise + yamux,
 * identify, and gossipsub for room topics.
 */
import { noise, pureJsCrypto } from '@chainsafe/libp2p-noise'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import type { GossipSub } from '@libp2p/gossipsub'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { AbortOptions, Connection, PrivateKey, Startable } from '@libp2p/interface'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { x25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import { concatBytes } from '../bytes.js'
import { ed25519KeyPair } from '../crypto/ed25519.js'
import { x25519KeyPair, x25519PublicKey } from '../crypto/x25519-ladder.js'
import { gossipFrameIdBytes } from './gossip-frame.js'

export type MeshNode = Libp2p<{ identify: Identify, pubsub: GossipSub }>

export interface MeshNodeInit {
  /** Relay multiaddrs, each ending in `/p2p/<relay peer id>`. */
  relays: string[]
  /** The node's libp2p key; a fresh one per start if omitted (peer ids are not identities here). */
  privateKey?: PrivateKey
  /** How often to check that every relay still holds our reservation, ms. */
  reservationCheckIntervalMs?: number
  /** How often to check that every relay connection still answers, ms. */
  relayPingIntervalMs?: number
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
/** How long the start waits for a connection to some relay, ms. */
const RELAY_DIAL_TIMEOUT_MS = 10_000
/** Messages from this size up are announced to the mesh as received (gossipsub's IDONTWANT). */
const IDONTWANT_MIN_BYTES = 16 * 1024
/**
 * The largest gossipsub RPC read from a peer. One RPC carries several messages and gossip's
 * control lists together (the answer to a request for missed messages holds all of them), so
 * a limit of one frame's size turned away whole RPCs, and gossipsub then forgot the peer while
 * its connection stayed open: nothing more was sent to it or read from it. That hit a member
 * joining a room with history, from most of the members it connected to. Each message's own
 * limit (MAX_FRAME_BYTES in protocol/constants.ts) is checked on its frame by the room first.
 */
const MAX_RPC_BYTES = 4 * 1024 * 1024
/**
 * How often each relay connection is checked for life, ms. A relay that vanishes without closing
 * its connections (power cut, network gone) leaves them open on our side, and our reservation with
 * them: nobody could reach us through it. Connections to members are not checked: WebRTC's own
 * keep-alives close a frozen member's connection (in 13 s, measured on loopback), while libp2p's
 * connection monitor, which pings every connection at once, opened a data channel on each one:
 * every 30 s, a burst that delayed messages in a 10-member bench room by up to 250 ms.
 */
const RELAY_PING_INTERVAL_MS = 30_000
/** How long a relay has to answer a check before its connection is closed, ms. */
const RELAY_PING_TIMEOUT_MS = 10_000
/** Any protocol proves the relay alive: an answer that it is unsupported takes the same round trips. */
const RELAY_PING_PROTOCOL = '/ipfs/ping/1.0.0'

/**
 * Creates and starts a member's node, and resolves once it is connected to a relay (any one of
 * `relays`, when there are any). It can then find and dial members at once. Its reservations,
 * which let others dial it through each relay, follow in the background: libp2p's own start would
 * wait for them, a few hundred milliseconds that a newcomer joining a room does not need.
 *
 * @throws when no relay can be reached; the node is stopped.
 */
export async function createMeshNode (init: MeshNodeInit): Promise<MeshNode> {
  const node = await createLibp2p({
    privateKey: init.privateKey ?? await newNodeKey(),
    // The relay addresses are listened on by the reservation keeper below.
    addresses: { listen: ['/webrtc'] },
    transports: [
      webSockets(),
      // Without an explicit list @libp2p/webrtc asks four public STUN servers (Google, Twilio,
      // Cloudflare, Mozilla) on every connection, which tells them who uses the app and when.
      webRTC({ rtcConfiguration: { iceServers: (init.iceServers ?? []).map(urls => ({ urls })) } }),
      circuitRelayTransport()
    ],
    connectionEncrypters: [noise({ crypto: noiseCrypto() })],
    streamMuxers: [yamux()],
    // Browsers refuse private and loopback addresses by default; a LAN messenger needs them.
    connectionGater: { denyDialMultiaddr: async () => false },
    // Relay connections are checked by the reservation keeper below; see RELAY_PING_INTERVAL_MS.
    connectionMonitor: { enabled: false },
    services: {
      relayReservations: keepRelayReservations(init.relays, init.reservationCheckIntervalMs ?? RESERVATION_CHECK_INTERVAL_MS,
        init.relayPingIntervalMs ?? RELAY_PING_INTERVAL_MS),
      // Not over relayed connections: between members they only carry the WebRTC signalling,
      // and identifying each other there competed with it (a dial took 460 ms, 380 without).
      identify: identify({ runOnLimitedConnection: false }),
      pubsub: gossipsub({
        // Authenticity comes from the author's signature inside the encrypted frame; gossipsub's
        // own signing would stamp libp2p peer ids on room traffic.
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: message => sha256(gossipFrameIdBytes(message.data)),
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        emitSelf: false,
        // Our own messages go straight to every member we are connected to (flood publish), and
        // in a fully connected room nothing is passed on (gossip-frame.ts). In a larger room a
        // mesh of 3 instead of 6 halves the redundant forwarding. Measured in a 10-member room,
        // before frames said how far they had gone: p50 14 -> 10 ms, p99 44 -> 21 ms.
        D: 3,
        Dlo: 2,
        Dhi: 5,
        Dout: 1,
        maxInboundDataLength: MAX_RPC_BYTES,
        // gossipsub tells its mesh "don't send me this" for every message of 512 bytes or more
        // (its default), before checking it: a send to each mesh peer, to save receiving a copy
        // that, in a fully connected room, nobody sends any more. Only large frames are worth
        // it. Measured in a 10-member room with 650-byte messages: p50 7.3 -> 4.6 ms, CPU per
        // message 15 -> 12 ms.
        idontwantMinDataSize: IDONTWANT_MIN_BYTES,
        // A WebRTC connection's remote address is the relayed one it was set up through, so to
        // gossipsub every member seems to come from the relay's IP address. Its penalty for more
        // than 10 peers on one address made the score of every peer negative for a member
        // connected to more than 10 others: it pruned its whole mesh, refused every graft, and
        // heard the room only through gossip, a second or more late, or by history sync. In a
        // 30-member bench room that was a few members each time: p99 1-13 s, up to 10% of
        // deliveries missing after 30 s. Rooms are closed by their key, and every message is
        // signed by its author; an address says nothing about a peer here.
        scoreParams: { IPColocationFactorWeight: 0 },
        ...(init.seenTtlMs !== undefined ? { seenTTL: init.seenTtlMs } : {})
      })
    }
  })
  if (init.relays.length === 0) return node
  try {
    await Promise.any(init.relays.map(async relay => await node.dial(multiaddr(relay), { signal: AbortSignal.timeout(RELAY_DIAL_TIMEOUT_MS) })))
  } catch (err) {
    await node.stop()
    const reasons = err instanceof AggregateError ? err.errors : [err]
    throw new Error(`No relay could be reached: ${reasons.map(e => (e as Error).message).join('; ')}`)
  }
  return node
}

/** The parts of libp2p's internal components the reservation keeper uses. */
interface KeeperComponents {
  transportManager: { getAddrs(): Multiaddr[], listen(addrs: Multiaddr[]): Promise<void> }
  connectionManager: { openConnection(addr: Multiaddr, options?: AbortOptions): Promise<unknown>, getConnections(): Connection[] }
}

/** The peer id a relay multiaddr ends in. */
function relayPeerId (relay: string): string | undefined {
  return multiaddr(relay).getComponents().findLast(c => c.name === 'p2p')?.value
}

/** Whether the other end of a connection answers a new stream in time. */
async function answers (connection: Connection): Promise<boolean> {
  const signal = AbortSignal.timeout(RELAY_PING_TIMEOUT_MS)
  try {
    const stream = await connection.newStream(RELAY_PING_PROTOCOL, { signal })
    await stream.close({ signal }).catch(() => {})
    return true
  } catch (err) {
    return (err as Error).name === 'UnsupportedProtocolError'
  }
}

/**
 * Makes and keeps a reservation on each relay. It listens through every relay as soon as the node
 * has started, then checks on an interval: libp2p makes a reservation from a relay listen address
 * once and never again after the relay restarts, refuses or the connection drops (js-libp2p issue
 * 3601), which would leave the member unreachable through that relay. When our circuit address
 * through a relay is gone and the relay answers again, this listens through it anew. It dials
 * first so that a relay that is still down costs no listener. It also closes a relay connection
 * that no longer answers, which takes the reservation with it (see RELAY_PING_INTERVAL_MS).
 */
function keepRelayReservations (relays: string[], intervalMs: number, pingIntervalMs: number): (components: KeeperComponents) => Startable {
  return components => {
    let timer: ReturnType<typeof setInterval> | undefined
    // A relay being listened through is not checked again until that listen ends: twice would
    // make two reservations.
    const listening = new Set<string>()
    const keep = async (relay: string): Promise<void> => {
      const peer = relayPeerId(relay)
      const marker = `/p2p/${peer}/p2p-circuit`
      if (peer === undefined || listening.has(relay) || components.transportManager.getAddrs().some(a => a.toString().includes(marker))) return
      listening.add(relay)
      try {
        await components.connectionManager.openConnection(multiaddr(relay), { signal: AbortSignal.timeout(intervalMs) })
        await components.transportManager.listen([multiaddr(`${relay}/p2p-circuit`)])
      } catch {
        // Still unreachable or refusing: the next check tries again.
      } finally {
        listening.delete(relay)
      }
    }
    const check = (): void => { for (const relay of relays) void keep(relay) }
    const relayPeers = new Set(relays.map(relayPeerId))
    const checkAlive = (): void => {
      for (const connection of components.connectionManager.getConnections()) {
        if (!relayPeers.has(connection.remotePeer.toString())) continue
        void answers(connection).then(alive => { if (!alive) connection.abort(new Error('The relay stopped answering')) })
      }
    }
    let pingTimer: ReturnType<typeof setInterval> | undefined
    return {
      start: () => {},
      afterStart: () => {
        check()
        timer = setInterval(check, intervalMs)
        pingTimer = setInterval(checkAlive, pingIntervalMs)
      },
      stop: () => {
        clearInterval(timer)
        clearInterval(pingTimer)
      }
    }
  }
}

/**
 * A fresh libp2p key, made natively where the platform can (see ed25519.ts). libp2p's own
 * generator uses the pure-JavaScript curve in the browser, whose first public key builds its
 * point tables: about 90 ms of the page's main thread on a slow machine, on the way to joining.
 * libp2p signs and verifies with WebCrypto there, so nothing else needs those tables.
 */
export async function newNodeKey (): Promise<PrivateKey> {
  const { secretKey, publicKey } = await ed25519KeyPair()
  // libp2p's raw form of an Ed25519 private key: the seed, then its public key.
  return privateKeyFromRaw(concatBytes(secretKey, publicKey))
}

/**
 * Noise's crypto: Node's own where it has it. In the browser noise uses @noble, whose first X25519
 * key would build the curve's base-point tables (about 90 ms of the page's main thread, on the way
 * to reaching the relay); its keys come from x25519-ladder.ts instead, which spares that.
 */
function noiseCrypto (): ICryptoInterface {
  if (defaultCrypto !== pureJsCrypto) return defaultCrypto
  return {
    ...pureJsCrypto,
    generateX25519KeyPair: () => {
      const { secretKey, publicKey } = x25519KeyPair(x25519)
      return { privateKey: secretKey, publicKey }
    },
    generateX25519KeyPairFromSeed: seed => ({ privateKey: seed, publicKey: x25519PublicKey(x25519, seed) })
  }
}
