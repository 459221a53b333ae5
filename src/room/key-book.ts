/**
 * A room's sender-chain keys for this session: our prekey, our own chain per epoch, the chains
 * other members shared with us, and whom we have shared ours with. Nothing here is persisted:
 * a new session (a reload) starts new chains and a new prekey, and members share again. That is
 * what makes a key taken from the device useless for traffic from earlier sessions.
 */
import { bytesToHex, concatBytes, utf8 } from '../bytes.js'
import { createPrekey, openFrom, sealTo } from '../crypto/pairwise.js'
import { ReceiverChain, SenderChain, chainKeyId } from '../crypto/sender-chain.js'
import type { ChainState } from '../crypto/sender-chain.js'
import { MalformedError } from '../errors.js'
import type { KeyShareEntry } from '../protocol/bodies.js'
import type { Epoch } from './epochs.js'

/** Receiver chains kept per room, so a hostile member cannot make us hold unbounded state. */
const MAX_RECEIVER_CHAINS = 1_024
/** A share asked for again is repeated at most this often, ms. */
const RESHARE_AFTER_MS = 1_000

export class KeyBook {
  private ownPrekey: ReturnType<typeof createPrekey> | undefined
  private readonly own = new Map<string, SenderChain>()
  private readonly receivers = new Map<string, ReceiverChain>()
  /** `${epochTag}/${member}/${prekey}` -> when we last shared our chain with it. */
  private readonly shared = new Map<string, number>()

  constructor (private readonly self: Uint8Array, private readonly now: () => number = Date.now) {}

  /**
   * Our X25519 prekey for this session, made on first use: a room opened only to show its
   * history never needs it, and the first curve operation on a page is slow (cold JIT).
   */
  get prekey (): ReturnType<typeof createPrekey> {
    this.ownPrekey ??= createPrekey()
    return this.ownPrekey
  }

  /** Our sending chain in an epoch, made on first use. */
  ownChain (epoch: Epoch): SenderChain {
    let chain = this.own.get(epoch.tagHex)
    if (chain === undefined) this.own.set(epoch.tagHex, chain = new SenderChain())
    return chain
  }

  /**
   * Whether our chain of `epoch` has to go (again) to `member` at `prekey`: once per prekey, and
   * again when they ask. A share can be lost like any message, and a member who cannot read a
   * frame says so (`asked`); the share is then repeated, but not more than once every
   * RESHARE_AFTER_MS. Repeating it unasked would cost an X25519 seal per member per heartbeat.
   */
  needsShare (epoch: Epoch, member: Uint8Array, prekey: Uint8Array, asked: boolean): boolean {
    const at = this.shared.get(`${epoch.tagHex}/${bytesToHex(member)}/${bytesToHex(prekey)}`)
    return at === undefined || (asked && this.now() - at >= RESHARE_AFTER_MS)
  }

  /** Seals our chain state, from its next message on, to each member's prekey. */
  shareWith (epoch: Epoch, members: Array<{ key: Uint8Array, prekey: Uint8Array }>): KeyShareEntry[] {
    const state = this.ownChain(epoch).state()
    const plaintext = encodeChainState(state)
    return members.map(({ key, prekey }) => {
      if (this.shared.size >= MAX_RECEIVER_CHAINS) this.shared.delete(this.shared.keys().next().value!)
      this.shared.set(`${epoch.tagHex}/${bytesToHex(key)}/${bytesToHex(prekey)}`, this.now())
      const box = sealTo(prekey, plaintext, shareContext(epoch, this.self, key, prekey))
      return { recipient: key, prekey, ephemeral: box.ephemeral, ciphertext: box.ciphertext }
    })
  }

  /**
   * Takes the entry addressed to us out of a key share, if any, and starts reading the author's
   * chain. Returns true when a new chain was installed.
   */
  acceptShare (epoch: Epoch, author: Uint8Array, entries: KeyShareEntry[]): boolean {
    const self = bytesToHex(this.self)
    const mine = entries.find(e => bytesToHex(e.recipient) === self && bytesToHex(e.prekey) === bytesToHex(this.prekey.publicKey))
    if (mine === undefined) return false
    const plaintext = openFrom(this.prekey.secretKey, mine, shareContext(epoch, author, this.self, this.prekey.publicKey))
    const state = decodeChainState(plaintext)
    const id = `${epoch.tagHex}/${chainKeyId(author, state.chainId)}`
    if (this.receivers.has(id)) return false
    if (this.receivers.size >= MAX_RECEIVER_CHAINS) this.receivers.delete(this.receivers.keys().next().value!)
    this.receivers.set(id, new ReceiverChain(state))
    return true
  }

  /** The receiving chain for a member's chain id in an epoch, if it was shared with us. */
  receiver (epoch: Epoch, author: Uint8Array, chainId: Uint8Array): ReceiverChain | undefined {
    return this.receivers.get(`${epoch.tagHex}/${chainKeyId(author, chainId)}`)
  }
}

function shareContext (epoch: Epoch, from: Uint8Array, to: Uint8Array, prekey: Uint8Array): Uint8Array {
  return concatBytes(utf8('meshchat/key-share/v1'), epoch.epochId, from, to, prekey)
}

function encodeChainState (state: ChainState): Uint8Array {
  const index = new Uint8Array(4)
  new DataView(index.buffer).setUint32(0, state.index)
  return concatBytes(state.chainId, index, state.chainKey)
}

function decodeChainState (bytes: Uint8Array): ChainState {
  if (bytes.length !== 8 + 4 + 32) throw new MalformedError('Chain state has the wrong length')
  return {
    chainId: bytes.slice(0, 8),
    index: new DataView(bytes.buffer, bytes.byteOffset).getUint32(8),
    chainKey: bytes.slice(12)
  }
}
