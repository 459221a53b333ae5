/**
 * The project's envelope as the baseline and the crypto measurement use it, as a chat message
 * travels in a room: seal = sign, encrypt under the author's next sender-chain key, encrypt
 * under the epoch's frame key (signMessage + chainedPayload + sealFrame); open = the reverse and
 * the signature check (openFrame + ReceiverChain.take + openChained + verifyMessage). The
 * baseline clients pay exactly these costs per message, so the comparison with the mesh is fair.
 *
 * One thing is left out, and it is not per message: handing each member the others' chains.
 * The mesh seals them to session prekeys; here every chain's start is derived from the room's
 * epoch and its author's key (`chainStart`), so any member can read any author from the first
 * message. That is no way to share chains outside a benchmark: anyone with the room code could
 * derive them.
 */
import { bytesToHex, concatBytes, utf8 } from '../../src/bytes.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { deriveEpochKeys } from '../../src/crypto/room-keys.js'
import { CHAIN_ID_BYTES, ReceiverChain, SenderChain } from '../../src/crypto/sender-chain.js'
import type { ChainState } from '../../src/crypto/sender-chain.js'
import type { Identity } from '../../src/identity/identity.js'
import { Mode, chainedPayload, decodeSigned, openChained, openFrame, sealFrame, signMessage, verifyMessage } from '../../src/protocol/envelope.js'
import type { RoomCode } from '../../src/room/room-code.js'

export interface Opened {
  readonly kind: number
  readonly author: Uint8Array
  readonly seq: number
  readonly body: Uint8Array
}

export interface Sealer {
  seal(kind: number, seq: number, body: Uint8Array): Promise<Uint8Array>
  /** @throws when the frame does not decrypt or verify */
  open(frame: Uint8Array): Promise<Opened>
}

/** Hex id of a room's first epoch, for stored records. */
export function firstEpochHex (code: RoomCode): string {
  return bytesToHex(deriveEpochKeys(code, 0).epochId)
}

/** Where an author's chain starts in the benchmark (see the top of this file). */
function chainStart (epochId: Uint8Array, author: Uint8Array): ChainState {
  const seed = sha256(concatBytes(utf8('meshchat-bench/chain'), epochId, author))
  return { chainId: seed.slice(0, CHAIN_ID_BYTES), index: 0, chainKey: sha256(seed) }
}

export function createSealer (code: RoomCode, identity: Identity): Sealer {
  const keys = deriveEpochKeys(code, 0)
  const tagHex = bytesToHex(keys.tag)
  const start = chainStart(keys.epochId, identity.publicKey)
  const startBytes = [start.chainId, start.chainKey]
  const own = new SenderChain(() => startBytes.shift()!)
  const chains = new Map<string, ReceiverChain>()
  return {
    async seal (kind, seq, body) {
      const signed = await signMessage(identity, keys.epochId, { kind, seq, timestamp: Date.now(), body })
      const { index, messageKey } = own.next()
      return sealFrame(keys, chainedPayload(signed, own.chainId, index, messageKey))
    },
    async open (frame) {
      const { payload } = openFrame(frame, tag => bytesToHex(tag) === tagHex ? keys : undefined)
      if (payload.mode !== Mode.Chained) throw new Error('Not a chained payload')
      const author = bytesToHex(payload.author)
      let chain = chains.get(author)
      if (chain === undefined) {
        const state = chainStart(keys.epochId, payload.author)
        if (bytesToHex(state.chainId) !== bytesToHex(payload.chainId)) throw new Error('Unknown chain')
        chain = new ReceiverChain(state)
        chains.set(author, chain)
      }
      const key = chain.take(payload.index)
      if (key === undefined) throw new Error('Message key already used')
      const message = decodeSigned(openChained(payload, key))
      if (bytesToHex(message.author) !== author) throw new Error('Payload author and signed author differ')
      await verifyMessage(message, keys.epochId)
      return message
    }
  }
}
