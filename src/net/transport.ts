/**
 * The network as the core sees it: topics that carry opaque frames. libp2p gossipsub is one
 * implementation (`Libp2pTransport`), an in-memory hub another (`MemoryNetwork`, for tests).
 */

/**
 * What a topic handler says about a frame, as gossipsub understands it:
 * `accept` delivers and forwards; `reject` drops and penalises the sender (every honest peer
 * would reject it too); `ignore` drops without penalty (e.g. a duplicate, which depends on
 * local state).
 */
export type Verdict = 'accept' | 'reject' | 'ignore'

export interface TopicSubscription {
  /** Rendezvous namespace under which members of this topic find each other. */
  readonly rendezvous: Uint8Array
  /** Called once per distinct frame, before it is forwarded to anyone. */
  onFrame(frame: Uint8Array): Promise<Verdict>
  /** Called when the number of connected peers on the topic changes. */
  onPeers(count: number): void
}

export interface Transport {
  subscribe(topic: string, subscription: TopicSubscription): void
  unsubscribe(topic: string): void
  /** Sends a frame to the topic; resolves with how many peers it was handed to (0: nobody reachable). */
  publish(topic: string, frame: Uint8Array): Promise<number>
  /** Number of peers currently connected on a topic. */
  peerCount(topic: string): number
  /**
   * Connects to the members found under `rendezvous` before subscribing to their topic: for a
   * room about to be joined, whose members are then already connected when it is. Optional.
   */
  prepare?(rendezvous: Uint8Array): void
  /** Direct requests to one peer at a time (file chunks); absent where a transport cannot. */
  readonly direct?: DirectChannel
}

/**
 * Answers one direct request with a series of reply frames. Frames are produced lazily, so a
 * slow or departed requester costs the holder nothing more.
 */
export type DirectHandler = (request: Uint8Array, from: string) => AsyncIterable<Uint8Array>

/**
 * Request/reply streams straight to one connected peer, outside gossip: what file chunks travel
 * on. Peers are named by transport-level ids, which say nothing about room identities.
 */
export interface DirectChannel {
  /** Ids of the peers connected on a topic, each of which can be asked directly. */
  peers(topic: string): string[]
  /**
   * Ids of other members of a topic, known but not connected: a large room is not fully
   * connected (see room-neighbours.ts). Asking one connects to it first, which takes longer.
   */
  farPeers?(topic: string): string[]
  /** Serves requests from every peer with `handler` (one handler; a second call replaces it). */
  handle(handler: DirectHandler): void
  /**
   * Sends one request to one peer and yields its reply frames. Throws when the peer cannot be
   * reached or goes away mid-reply; the caller stops reading when the protocol says it is done.
   */
  request(peer: string, request: Uint8Array, options?: { signal?: AbortSignal }): AsyncIterable<Uint8Array>
}
