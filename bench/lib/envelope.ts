/**
 * The project's envelope as the baseline and the crypto measurement use it: seal = sign + encrypt
 * (signMessage + sealFrame), open = decrypt + verify (openFrame, and the signature check).
 *
 * The envelope is being reworked (room epochs, sender chains) while this suite is in use, so
 * this one file speaks either shape of src/protocol/envelope.ts: the single-key frame
 * (`sealFrame(keys, signed)` / `openFrame(keys, frame)`) or the epoch frame
 * (`sealFrame(keys, plainPayload(signed))` / `openFrame(frame, keysForTag)` + `verifyMessage`).
 * Everything else in bench/ goes through `createSealer`.
 */
import * as keysModule from '../../src/crypto/room-keys.js'
import * as envelope from '../../src/protocol/envelope.js'
import type { Identity } from '../../src/identity/identity.js'
import type { RoomCode } from '../../src/room/room-code.js'

export interface Opened {
  readonly kind: number
  readonly author: Uint8Array
  readonly seq: number
  readonly body: Uint8Array
}

export interface Sealer {
  /** Which envelope shape is in use: 'single-key' or 'epoch'. */
  readonly shape: string
  seal(kind: number, seq: number, body: Uint8Array): Uint8Array
  /** @throws when the frame does not decrypt or verify */
  open(frame: Uint8Array): Opened
}

const api = envelope as any
const keysApi = keysModule as any

/** Hex id of a room's first epoch, for stored records; undefined with the single-key envelope. */
export function firstEpochHex (code: RoomCode): string | undefined {
  if (typeof keysApi.deriveEpochKeys !== 'function') return undefined
  return [...keysApi.deriveEpochKeys(code, 0).epochId as Uint8Array].map(b => b.toString(16).padStart(2, '0')).join('')
}

export function createSealer (code: RoomCode, identity: Identity): Sealer {
  if (typeof api.plainPayload === 'function' && typeof keysApi.deriveEpochKeys === 'function') {
    const keys = keysApi.deriveEpochKeys(code, 0)
    const sameTag = (tag: Uint8Array): boolean => tag.length === keys.tag.length && tag.every((b: number, i: number) => b === keys.tag[i])
    return {
      shape: 'epoch',
      seal (kind, seq, body) {
        const signed = api.signMessage(identity, keys.epochId, { kind, seq, timestamp: Date.now(), body })
        return api.sealFrame(keys, api.plainPayload(signed))
      },
      open (frame) {
        const { payload } = api.openFrame(frame, (tag: Uint8Array) => sameTag(tag) ? keys : undefined)
        const message = api.decodeSigned(payload.data)
        api.verifyMessage(message, keys.epochId)
        return message
      }
    }
  }
  const keys = keysApi.deriveRoomKeys(code)
  return {
    shape: 'single-key',
    seal (kind, seq, body) {
      const signed = api.signMessage(identity, keys.roomId, { kind, seq, timestamp: Date.now(), body })
      return api.sealFrame(keys, signed)
    },
    open (frame) {
      return api.openFrame(keys, frame)
    }
  }
}
