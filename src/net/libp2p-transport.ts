/**
 * The Transport on libp2p: one gossipsub topic per room, every frame validated by the room
 * before gossipsub delivers or forwards it, forwarded only where the author may not have reached
 * everyone (gossip-frame.ts), and members found through the relays' rendezvous.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'
import type { PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { decodeGossipFrame, encodeGossipFrame, shouldPassOn } from './gossip-frame.js'
import { retryDelayMs } from './dial-retry.js'
import { gossipOnConnect } from './gossip-on-connect.js'
import { Libp2pDirect } from './libp2p-direct.js'
import type { MeshNode } from './libp2p-node.js'
import { rendezvousRegister, rendezvousUnregister } from './rendezvous-client.js'
import type { DiscoveredPeer } from './rendezvous-client.js'
import { RING_SUCCESSORS, ROOM_NEIGHBOURS, membersToDial } from './room-neighbours.js'
import type { TopicSubscription, Transport, Verdict } from './transport.js'

export interface Libp2pTransportInit {
  /** How often to refresh the rendezvous registration and look for new members, ms. */
  discoveryIntervalMs?: number
  /** Lifetime of a rendezvous registration at the relay, s. */
  registrationTtlSeconds?: number
  /** How many members of a room to connect to, at least (see room-neighbours.ts). */
  roomNeighbours?: number
}

const DISCOVERY_INTERVAL_MS = 5_000
const REGISTRATION_TTL_SECONDS = 60
/**
 * Lifetime of the registration that `prepare` makes, s: short, as whoever prepares may not join
 * (the subscription, if it comes, registers again for the usual time).
 */
const PREPARE_TTL_SECONDS = 20
/** How long after its last failed dial a member's failures are forgotten, ms. */
const FORGET_FAILURES_MS = 5 * 60_000
const DIAL_TIMEOUT_MS = 10_000
/** Members dialled at once, per round. */
const DIALS_AT_ONCE = 2
/** First and longest wait before counting again a subscriber we cannot send to yet, ms. */
const RECOUNT_FIRST_MS = 10
const RECOUNT_MAX_MS = 1_000

const VERDICTS: Record<Verdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore
}

/**
 * Peer scoring for room topics. Rooms are quiet, so silence is never penalised (no mesh delivery
 * quota); what is penalised is sending what the room rejects: a few invalid frames take a peer
 * below gossipsub's graylist threshold (-80), after which its messages are dropped unread.
 */
const ROOM_TOPIC_SCORE = createTopicScoreParams({
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 100,
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 20,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.97 // about 1% left after 2.5 minutes
})

/** gossipsub keeps its score parameters on the instance; per-topic entries may change at run time. */
function scoreParams (pubsub: unknown): { topics: Record<string, TopicScoreParams> } {
  return (pubsub as { score: { params: { topics: Record<string, TopicScoreParams> } } }).score.params
}

/** The addresses others can dial us at through relays, as one comparable string. */
function relayedAddrs (node: MeshNode): string {
  return node.getMultiaddrs().map(String).filter(a => a.includes('/p2p-circuit')).sort().join(' ')
}

/** A WebRTC address through a relay makes a direct connection, signalled over the relay. */
function isWebRTC (addr: Multiaddr): boolean {
  return addr.toString().includes('/webrtc')
}

/** The peers gossipsub has its own stream to (undefined if a version keeps them elsewhere). */
function outboundStreams (pubsub: unknown): Map<string, unknown> | undefined {
  const streams = (pubsub as { streamsOutbound?: unknown }).streamsOutbound
  return streams instanceof Map ? streams : undefined
}

interface TopicState {
  readonly subscription: TopicSubscription
  timer?: ReturnType<typeof setTimeout>
  rounds: number
  peers: number
  /** The other members, as last found at the relays, by peer id. */
  members: Map<string, DiscoveredPeer>
  /**
   * How many other members we know of (see otherMembersKnown), counted when a frame first needs
   * it after a change: every frame needs it, and counting builds a peer id per subscriber.
   */
  othersKnown?: number
}

export class Libp2pTransport implements Transport {
  private readonly topics = new Map<string, TopicState>()
  private readonly relays: Multiaddr[]
  private readonly discoveryIntervalMs: number
  private readonly ttlSeconds: number
  private readonly roomNeighbours: number
  /** Members being dialled now, by peer id. */
  private readonly dialling = new Set<string>()
  /** Members whose last dials failed, by peer id: how many in a row, and when to try again. */
  private readonly dialFailures = new Map<string, { count: number, retryAt: number }>()
  private readonly onChange = (): void => {
    for (const state of this.topics.values()) state.othersKnown = undefined
    this.recountDelayMs = RECOUNT_FIRST_MS
    this.recount()
  }
  private recountTimer?: ReturnType<typeof setTimeout>
  private recountDelayMs = RECOUNT_FIRST_MS
  /** Our own addresses through relays, as last registered. */
  private relayedAddrs = ''
  /**
   * A new reservation gives us an address others can dial: register it at once rather than at
   * the next round (the node starts before its reservations are made).
   */
  private readonly onSelfUpdate = (): void => {
    const addrs = relayedAddrs(this.node)
    if (addrs === this.relayedAddrs) return
    this.relayedAddrs = addrs
    for (const topic of this.topics.keys()) this.discoverNow(topic)
  }
  /** Direct streams to single peers, for file chunks. */
  readonly direct: Libp2pDirect
  private readonly stopGossipOnConnect: () => void

  constructor (readonly node: MeshNode, relays: string[], init: Libp2pTransportInit = {}) {
    this.relays = relays.map(r => multiaddr(r))
    this.discoveryIntervalMs = init.discoveryIntervalMs ?? DISCOVERY_INTERVAL_MS
    this.ttlSeconds = init.registrationTtlSeconds ?? REGISTRATION_TTL_SECONDS
    this.roomNeighbours = init.roomNeighbours ?? ROOM_NEIGHBOURS
    this.direct = new Libp2pDirect(node, topic => this.farMembers(topic))
    node.services.pubsub.addEventListener('subscription-change', this.onChange)
    node.addEventListener('peer:disconnect', this.onChange)
    node.addEventListener('self:peer:update', this.onSelfUpdate)
    this.relayedAddrs = relayedAddrs(node)
    this.stopGossipOnConnect = gossipOnConnect(node)
  }

  subscribe (topic: string, subscription: TopicSubscription): void {
    this.unsubscribe(topic)
    const pubsub = this.node.services.pubsub
    pubsub.topicValidators.set(topic, async (_peer, message) => {
      const gossip = message.type === 'unsigned' ? decodeGossipFrame(message.data) : undefined
      if (gossip === undefined) return TopicValidatorResult.Reject
      const verdict = await subscription.onFrame(gossip.frame)
      // Delivered either way; ignored (not passed on) where the author reached everyone we know.
      if (verdict === 'accept' && !shouldPassOn(gossip.reach, this.otherMembersKnown(topic))) return TopicValidatorResult.Ignore
      return VERDICTS[verdict]
    })
    scoreParams(pubsub).topics[topic] = ROOM_TOPIC_SCORE
    pubsub.subscribe(topic)
    this.topics.set(topic, { subscription, rounds: 0, peers: 0, members: new Map() })
    this.discoverNow(topic)
    // Members we connected to before subscribing (see prepare) told us their topics then, and
    // nothing will say so again: count them now (not during this call: the caller is subscribing).
    queueMicrotask(this.onChange)
  }

  unsubscribe (topic: string): void {
    const state = this.topics.get(topic)
    if (state === undefined) return
    clearTimeout(state.timer)
    this.topics.delete(topic)
    const pubsub = this.node.services.pubsub
    pubsub.unsubscribe(topic)
    pubsub.topicValidators.delete(topic)
    delete scoreParams(pubsub).topics[topic]
    for (const relay of this.relays) {
      void rendezvousUnregister(this.node, relay, state.subscription.rendezvous).catch(() => {})
    }
  }

  async publish (topic: string, frame: Uint8Array): Promise<number> {
    // Flood publishing hands it to every member we can send to, which is what peerCount counts.
    const message = encodeGossipFrame(this.peerCount(topic), frame)
    const result = await this.node.services.pubsub.publish(topic, message)
    return result.recipients.length
  }

  /**
   * Members on the topic that a message can be sent to now. gossipsub learns of a subscription
   * over the member's stream to us, and opens its own stream to the member a moment later; a
   * message published in between reaches nobody, so such a member is counted once that stream is
   * open. Otherwise a new member's first messages, and our presence, would be lost on arrival.
   */
  peerCount (topic: string): number {
    const pubsub = this.node.services.pubsub
    const outbound = outboundStreams(pubsub)
    return pubsub.getSubscribers(topic).filter(peer => outbound?.has(peer.toString()) ?? true).length
  }

  /**
   * Finds the members registered under `rendezvous` at every relay and connects to them (as many
   * as for a room, see room-neighbours.ts), without subscribing: someone about to join a room
   * then finds its members connected when they do, rather than starting the connections then
   * (about 600 ms in a browser on loopback, measured). Relays list members only to those who
   * register, so this registers too, briefly: members may then connect to us as well, as they
   * would once we join.
   */
  prepare (rendezvous: Uint8Array): void {
    for (const relay of this.relays) {
      void rendezvousRegister(this.node, relay, rendezvous, PREPARE_TTL_SECONDS)
        .then(async peers => { await this.connectTo(new Map(peers.map(peer => [peer.peerId.toString(), peer]))) })
        .catch(() => {}) // unreachable or full: the subscription will try again
    }
  }

  /** Stops discovery; the node itself is stopped by its owner. */
  stop (): void {
    for (const topic of [...this.topics.keys()]) this.unsubscribe(topic)
    this.direct.stop()
    this.stopGossipOnConnect()
    clearTimeout(this.recountTimer)
    this.node.services.pubsub.removeEventListener('subscription-change', this.onChange)
    this.node.removeEventListener('peer:disconnect', this.onChange)
    this.node.removeEventListener('self:peer:update', this.onSelfUpdate)
  }

  private discoverNow (topic: string): void {
    const state = this.topics.get(topic)
    if (state === undefined) return
    clearTimeout(state.timer)
    void this.discover(topic)
  }

  /**
   * Registers at every relay and connects to the room's members it finds there (a bounded number
   * of them, see room-neighbours.ts); then schedules the next round, quickly at first (a new
   * member's own address takes a moment to exist).
   */
  private async discover (topic: string): Promise<void> {
    const state = this.topics.get(topic)
    if (state === undefined) return
    const found = new Map<string, DiscoveredPeer>()
    await Promise.all(this.relays.map(async relay => {
      try {
        for (const peer of await rendezvousRegister(this.node, relay, state.subscription.rendezvous, this.ttlSeconds)) {
          const id = peer.peerId.toString()
          found.set(id, { peerId: peer.peerId, addrs: [...found.get(id)?.addrs ?? [], ...peer.addrs] })
        }
        // Dial as soon as one relay answers; another relay's answer may add members.
        if (this.topics.get(topic) === state) await this.connectTo(found)
      } catch {
        // This relay is unreachable or full right now; the next round tries again.
      }
    }))
    if (this.topics.get(topic) !== state) return
    state.members = found
    state.othersKnown = undefined
    const delay = Math.min(this.discoveryIntervalMs, 250 * 2 ** state.rounds++)
    clearTimeout(state.timer) // a round started in between (discoverNow) also scheduled one
    state.timer = setTimeout(() => { void this.discover(topic) }, delay)
  }

  private async connectTo (members: Map<string, DiscoveredPeer>): Promise<void> {
    const now = Date.now()
    const unreachable = new Set<string>()
    for (const [id, failed] of this.dialFailures) {
      if (failed.retryAt > now) unreachable.add(id)
      else if (failed.retryAt + FORGET_FAILURES_MS <= now) this.dialFailures.delete(id)
    }
    const connected = new Set(this.dialling)
    for (const [id, member] of members) if (this.isConnected(member.peerId)) connected.add(id)
    // A member without a reservation yet has no address to dial: it is found again next round.
    const dialable = [...members].filter(([id, member]) => connected.has(id) || member.addrs.some(isWebRTC)).map(([id]) => id)
    const dial = membersToDial({
      self: this.node.peerId.toString(),
      members: dialable,
      connected,
      unreachable,
      neighbours: this.roomNeighbours,
      successors: RING_SUCCESSORS
    })
    // A few at a time: on a busy device, many WebRTC set-ups at once each take longer, time out
    // and are tried again with others, which only adds to the load.
    const queue = dial.map(id => members.get(id)!)
    await Promise.all(Array.from({ length: Math.min(DIALS_AT_ONCE, queue.length) }, async () => {
      for (let member = queue.shift(); member !== undefined; member = queue.shift()) await this.dialMember(member)
    }))
  }

  /**
   * How many other members of a topic we know of: those subscribed on a connection to us, and
   * those found at the relays (some of whom may have left without unregistering: counting them
   * only makes us pass messages on when it was not needed).
   */
  private otherMembersKnown (topic: string): number {
    const state = this.topics.get(topic)
    if (state?.othersKnown !== undefined) return state.othersKnown
    const ids = new Set(state?.members.keys())
    for (const peer of this.node.services.pubsub.getSubscribers(topic)) ids.add(peer.toString())
    ids.delete(this.node.peerId.toString())
    if (state !== undefined) state.othersKnown = ids.size
    return ids.size
  }

  /** The members of a topic we are not connected to, with their WebRTC addresses. */
  private farMembers (topic: string): Map<string, Multiaddr[]> {
    const far = new Map<string, Multiaddr[]>()
    for (const [id, member] of this.topics.get(topic)?.members ?? []) {
      const addrs = member.addrs.filter(isWebRTC)
      if (addrs.length > 0 && !this.isConnected(member.peerId)) far.set(id, addrs)
    }
    return far
  }

  private isConnected (peerId: PeerId): boolean {
    return this.node.getConnections(peerId).some(c => c.limits === undefined)
  }

  private async dialMember (member: DiscoveredPeer): Promise<void> {
    const id = member.peerId.toString()
    if (this.dialling.has(id) || this.isConnected(member.peerId)) return
    this.dialling.add(id)
    try {
      for (const addr of member.addrs.filter(isWebRTC)) {
        try {
          await this.node.dial(addr, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
          this.dialFailures.delete(id)
          this.closeRelayed(member.peerId)
          return
        } catch {
          // try the next address
        }
      }
      // Often a collision with the member's own dial to us, rather than a member gone: see dial-retry.ts.
      const count = (this.dialFailures.get(id)?.count ?? 0) + 1
      this.dialFailures.set(id, { count, retryAt: Date.now() + retryDelayMs(count) })
    } finally {
      this.dialling.delete(id)
    }
  }

  /**
   * Closes the relayed connections to a member we now reach directly. They carried only the
   * WebRTC signalling; left open, the relay forwards their keep-alives and holds a circuit for
   * each pair of members until its time limit, for nothing.
   */
  private closeRelayed (peerId: PeerId): void {
    for (const connection of this.node.getConnections(peerId)) {
      if (connection.limits !== undefined) void connection.close().catch(() => {})
    }
  }

  private recount (): void {
    let unreachable = false
    for (const [topic, state] of this.topics) {
      const count = this.peerCount(topic)
      unreachable ||= count < this.node.services.pubsub.getSubscribers(topic).length
      if (count !== state.peers) {
        state.peers = count
        state.subscription.onPeers(count)
      }
    }
    // gossipsub says nothing when its stream to a member opens: look again, soon, then less often.
    clearTimeout(this.recountTimer)
    this.recountTimer = undefined
    if (!unreachable) return
    this.recountTimer = setTimeout(() => { this.recount() }, this.recountDelayMs)
    this.recountDelayMs = Math.min(RECOUNT_MAX_MS, this.recountDelayMs * 2)
  }
}
