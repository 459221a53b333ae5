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
}
