/**
 * The project's envelope as the baseline and the crypto measurement use it: seal = sign + encrypt
 * (signMessage + sealFrame), open = decrypt + verify (openFrame + verifyMessage). The baseline
 * clients pay exactly these costs per message, so the comparison with the mesh is fair.
 */
import { bytesToHex } from '../../src/bytes.js'
import { deriveEpochKeys } from '../../src/crypto/room-keys.js'
import type { Identity } from '../../src/identity/identity.js'
import { decodeSigned, openFrame, plainPayload, sealFrame, signMessage, verifyMessage } from '../../src/protocol/envelope.js'
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

export function createSealer (code: RoomCode, identity: Identity): Sealer {
  const keys = deriveEpochKeys(code, 0)
  const tagHex = bytesToHex(keys.tag)
  return {
    async seal (kind, seq, body) {
      const signed = await signMessage(identity, keys.epochId, { kind, seq, timestamp: Date.now(), body })
      return sealFrame(keys, plainPayload(signed))
    },
    async open (frame) {
      const { payload } = openFrame(frame, tag => bytesToHex(tag) === tagHex ? keys : undefined)
      const message = decodeSigned(payload.data)
      await verifyMessage(message, keys.epochId)
      return message
    }
  }
}
