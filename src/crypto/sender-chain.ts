/**
 * Sender chains: the forward-secret layer of room traffic (the Sender Keys pattern).
 *
 * Each member, per room epoch and per session, holds a chain key that only moves forward:
 * ```
 * messageKey_i = HMAC-SHA256(chainKey_i, 0x01)
 * chainKey_i+1 = HMAC-SHA256(chainKey_i, 0x02)
 * ```
 * A used chain key is overwritten, so a key taken from a device today derives only today's and
 * later message keys, never yesterday's. Receivers keep a bounded set of skipped message keys for
 * messages that arrive out of order, and delete each one when it is used.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes, bytesToHex } from '../bytes.js'

export const CHAIN_ID_BYTES = 8
/** How far ahead of the last seen index a message may be (bounds work per frame). */
export const MAX_SKIP = 2_000
/** How many skipped keys a chain keeps for late messages. */
export const MAX_SKIPPED_KEYS = 2_000

const MESSAGE_KEY = Uint8Array.of(1)
const NEXT_CHAIN_KEY = Uint8Array.of(2)

/** What a member hands another so they can read its chain from `index` on. */
export interface ChainState {
  readonly chainId: Uint8Array
  readonly index: number
  readonly chainKey: Uint8Array
}

/**
 * How long a sender keeps an older chain state to share with members who arrive late. A member
 * whose connection forms just as we send (our outbox flushing as they connect) learns our chain
 * a moment after the message left; sharing from a little earlier lets them read it. Forward
 * secrecy therefore holds for traffic older than this.
 */
export const SHARE_WINDOW_MS = 60_000
const CHECKPOINT_EVERY_MS = 10_000

interface Checkpoint extends ChainState { readonly at: number }

/** The sending side: one per room epoch and session; never persisted. */
export class SenderChain {
  readonly chainId: Uint8Array
  private chainKey: Uint8Array
  private nextIndex = 0
  private readonly checkpoints: Checkpoint[] = []

  constructor (
    random: (n: number) => Uint8Array = defaultRandom,
    private readonly now: () => number = Date.now
  ) {
    this.chainId = random(CHAIN_ID_BYTES)
    this.chainKey = random(32)
    this.checkpoint()
  }

  /** The state to share with a member who joins now: the oldest kept checkpoint. */
  state (): ChainState {
    this.prune()
    const { chainId, index, chainKey } = this.checkpoints[0]
    return { chainId, index, chainKey: chainKey.slice() }
  }

  /** Moves the chain forward one step and returns the key for this message. */
  next (): { index: number, messageKey: Uint8Array } {
    const last = this.checkpoints[this.checkpoints.length - 1]
    if (last === undefined || this.now() - last.at >= CHECKPOINT_EVERY_MS) this.checkpoint()
    const index = this.nextIndex++
    const messageKey = hmac(sha256, this.chainKey, MESSAGE_KEY)
    const old = this.chainKey
    this.chainKey = hmac(sha256, old, NEXT_CHAIN_KEY)
    old.fill(0)
    this.prune()
    return { index, messageKey }
  }

  private checkpoint (): void {
    this.checkpoints.push({ chainId: this.chainId, index: this.nextIndex, chainKey: this.chainKey.slice(), at: this.now() })
  }

  /** Forgets checkpoints older than the window, keeping the newest one that is older. */
  private prune (): void {
    const cutoff = this.now() - SHARE_WINDOW_MS
    while (this.checkpoints.length > 1 && this.checkpoints[1].at <= cutoff) {
      this.checkpoints.shift()!.chainKey.fill(0)
    }
    if (this.checkpoints.length === 1 && this.checkpoints[0].at <= cutoff - CHECKPOINT_EVERY_MS) {
      // Only a stale checkpoint is left, and nothing was sent since it went stale: move it up.
      this.checkpoints.shift()!.chainKey.fill(0)
      this.checkpoint()
    }
  }
}

/** The receiving side of someone else's chain. */
export class ReceiverChain {
  private chainKey: Uint8Array
  private nextIndex: number
  private readonly skipped = new Map<number, Uint8Array>()

  constructor (state: ChainState) {
    assertBytes(state.chainKey, 'chainKey', 32)
    this.chainKey = state.chainKey.slice()
    this.nextIndex = state.index
  }

  /**
   * The key for message `index`, or undefined when it is not (or no longer) derivable: already
   * used, from before this chain was shared, or too far ahead. The key is forgotten on return;
   * call `restore` if the message then fails to open, so a forgery cannot burn an honest key.
   */
  take (index: number): Uint8Array | undefined {
    if (index < this.nextIndex) {
      const key = this.skipped.get(index)
      this.skipped.delete(index)
      return key
    }
    if (index - this.nextIndex > MAX_SKIP) return undefined
    while (this.nextIndex < index) {
      this.skipped.set(this.nextIndex, hmac(sha256, this.chainKey, MESSAGE_KEY))
      this.advance()
      if (this.skipped.size > MAX_SKIPPED_KEYS) this.skipped.delete(this.skipped.keys().next().value!)
    }
    const key = hmac(sha256, this.chainKey, MESSAGE_KEY)
    this.advance()
    return key
  }

  /** Puts back a key handed out by `take` whose message turned out not to be authentic. */
  restore (index: number, key: Uint8Array): void {
    this.skipped.set(index, key)
  }

  private advance (): void {
    const old = this.chainKey
    this.chainKey = hmac(sha256, old, NEXT_CHAIN_KEY)
    old.fill(0)
    this.nextIndex++
  }
}

/** Map key for a member's chain. */
export function chainKeyId (author: Uint8Array | string, chainId: Uint8Array): string {
  return `${typeof author === 'string' ? author : bytesToHex(author)}/${bytesToHex(chainId)}`
}

function defaultRandom (n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n))
}
