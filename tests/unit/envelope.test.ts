import { describe, expect, it } from 'vitest'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { concatBytes, utf8 } from '../../src/bytes.js'
import { deriveRoomKeys } from '../../src/crypto/room-keys.js'
import { createIdentity } from '../../src/identity/identity.js'
import {
  FRAME_CONTEXT, FRAME_VERSION, MAX_BODY_BYTES, MAX_FRAME_BYTES, MESSAGE_HEADER_BYTES, NONCE_BYTES,
  SIGNATURE_BYTES, TAG_BYTES
} from '../../src/protocol/constants.js'
import { openFrame, sealFrame, signMessage } from '../../src/protocol/envelope.js'
import type { FrameContext, SignedMessage } from '../../src/protocol/envelope.js'
import { roomCodeFromSecret } from '../../src/room/room-code.js'

const ROOM = deriveRoomKeys(roomCodeFromSecret('7KQ2MX9D4RT0V1ABCDEFGHJKMN'))
const OTHER_ROOM = deriveRoomKeys(roomCodeFromSecret('0123456789ABCDEFGHJKMNPQRS'))
const ALICE = createIdentity()
const BOB = createIdentity()
const MIN_FRAME_BYTES = 1 + NONCE_BYTES + TAG_BYTES + MESSAGE_HEADER_BYTES + SIGNATURE_BYTES

function body (length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

function signed (length = 10, overrides: Partial<{ kind: number, seq: number, timestamp: number }> = {}): SignedMessage {
  return signMessage(ALICE, ROOM.roomId, { kind: 1, seq: 7, timestamp: 1_700_000_000_000, body: body(length), ...overrides })
}

function catchError (fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the call to throw')
}

function expectOpenError (frame: Uint8Array, name: string, context: FrameContext = ROOM): Error {
  const err = catchError(() => openFrame(context, frame))
  expect(err.name).toBe(name)
  return err
}

/** The AAD exactly as the module documents it: "meshchat/frame/v1" | roomId | version. */
function aad (roomId: Uint8Array): Uint8Array {
  return concatBytes(utf8(FRAME_CONTEXT), roomId, Uint8Array.of(FRAME_VERSION))
}

/** Decrypts a frame by hand, independently of openFrame. */
function decryptByHand (frame: Uint8Array, context: FrameContext = ROOM): Uint8Array {
  const nonce = frame.subarray(1, 1 + NONCE_BYTES)
  return xchacha20poly1305(context.messageKey, nonce, aad(context.roomId)).decrypt(frame.subarray(1 + NONCE_BYTES))
}

/** Encrypts arbitrary plaintext as a frame by hand, with a fresh nonce. */
function encryptByHand (plaintext: Uint8Array, context: FrameContext = ROOM): Uint8Array {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ciphertext = xchacha20poly1305(context.messageKey, nonce, aad(context.roomId)).encrypt(plaintext)
  return concatBytes(Uint8Array.of(FRAME_VERSION), nonce, ciphertext)
}

describe('signMessage, sealFrame and openFrame', () => {
  it('round-trips bodies of many lengths from 0 to 2048 bytes', () => {
    // every length up to 100 (all the small edge cases), then a spread up to 2048; signing is slow
    const lengths = new Set<number>()
    for (let length = 0; length <= 100; length++) lengths.add(length)
    for (let length = 101; length < 2048; length += 37) lengths.add(length)
    for (const length of [255, 256, 257, 1023, 1024, 1025, 2047, 2048]) lengths.add(length)
    for (const length of lengths) {
      const message = signMessage(ALICE, ROOM.roomId, { kind: length & 0xff, seq: length + 1, timestamp: 1000 + length, body: body(length, length) })
      const opened = openFrame(ROOM, sealFrame(ROOM, message))
      expect(opened.kind).toBe(length & 0xff)
      expect(opened.seq).toBe(length + 1)
      expect(opened.timestamp).toBe(1000 + length)
      expect(opened.author).toEqual(ALICE.publicKey)
      expect(opened.signature).toEqual(message.signature)
      expect(opened.body).toEqual(body(length, length))
    }
  })

  it('round-trips bodies at and just under the largest allowed size', () => {
    for (const length of [MAX_BODY_BYTES - 1, MAX_BODY_BYTES]) {
      const message = signed(length)
      const frame = sealFrame(ROOM, message)
      expect(frame.length).toBeLessThanOrEqual(MAX_FRAME_BYTES)
      expect(openFrame(ROOM, frame).body).toEqual(body(length))
    }
  })

  it('refuses to sign a body larger than the limit with TooLargeError', () => {
    const err = catchError(() => signMessage(ALICE, ROOM.roomId, { kind: 1, seq: 1, timestamp: 1, body: new Uint8Array(MAX_BODY_BYTES + 1) }))
    expect(err.name).toBe('TooLargeError')
  })

  it('round-trips the largest safe seq and timestamp and every kind byte', () => {
    const max = Number.MAX_SAFE_INTEGER
    const opened = openFrame(ROOM, sealFrame(ROOM, signed(3, { kind: 255, seq: max, timestamp: max })))
    expect(opened).toMatchObject({ kind: 255, seq: max, timestamp: max })
    expect(openFrame(ROOM, sealFrame(ROOM, signed(3, { kind: 0, seq: 0, timestamp: 0 })))).toMatchObject({ kind: 0, seq: 0, timestamp: 0 })
  })

  it('refuses to sign a kind, seq or timestamp out of range', () => {
    for (const overrides of [{ kind: 256 }, { kind: -1 }, { seq: -1 }, { seq: 1.5 }, { seq: Number.MAX_SAFE_INTEGER + 1 }, { timestamp: Number.NaN }]) {
      expect(catchError(() => signed(1, overrides))).toBeInstanceOf(RangeError)
    }
  })

  it('makes the smallest frame (empty body) exactly as long as the documented layout says', () => {
    expect(sealFrame(ROOM, signed(0)).length).toBe(MIN_FRAME_BYTES)
    expect(sealFrame(ROOM, signed(100)).length).toBe(MIN_FRAME_BYTES + 100)
  })

  it('writes the version byte and the given nonce at the start of the frame', () => {
    const nonce = body(NONCE_BYTES, 9)
    const frame = sealFrame(ROOM, signed(), nonce)
    expect(frame[0]).toBe(FRAME_VERSION)
    expect(frame.subarray(1, 1 + NONCE_BYTES)).toEqual(nonce)
  })

  it('uses a fresh nonce for every frame, so sealing the same message twice gives different frames', () => {
    const message = signed()
    const a = sealFrame(ROOM, message)
    const b = sealFrame(ROOM, message)
    expect(a).not.toEqual(b)
    expect(openFrame(ROOM, a)).toEqual(openFrame(ROOM, b))
  })

  it('matches the documented wire format: the plaintext is header | body | signature', () => {
    const message = signed(5, { kind: 1, seq: 0x0102030405, timestamp: 0x0a0b0c0d0e })
    const plaintext = decryptByHand(sealFrame(ROOM, message))
    expect(plaintext.length).toBe(MESSAGE_HEADER_BYTES + 5 + SIGNATURE_BYTES)
    const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength)
    expect(plaintext[0]).toBe(1)
    expect(plaintext.subarray(1, 33)).toEqual(ALICE.publicKey)
    expect(view.getBigUint64(33)).toBe(0x0102030405n)
    expect(view.getBigUint64(41)).toBe(0x0a0b0c0d0en)
    expect(view.getUint32(49)).toBe(5)
    expect(plaintext.subarray(MESSAGE_HEADER_BYTES, MESSAGE_HEADER_BYTES + 5)).toEqual(body(5))
    expect(plaintext.subarray(MESSAGE_HEADER_BYTES + 5)).toEqual(message.signature)
  })

  it('does not mutate the message, body or nonce it seals, nor the frame it opens', () => {
    const message = signed(50)
    const snapshot = { ...message, author: message.author.slice(), body: message.body.slice(), signature: message.signature.slice() }
    const nonce = body(NONCE_BYTES, 3)
    const nonceCopy = nonce.slice()
    const frame = sealFrame(ROOM, message, nonce)
    expect(message).toEqual(snapshot)
    expect(nonce).toEqual(nonceCopy)

    const frameCopy = frame.slice()
    const opened = openFrame(ROOM, frame)
    expect(frame).toEqual(frameCopy)
    // the result does not alias the frame: changing it leaves the frame alone
    opened.body.fill(0)
    opened.author.fill(0)
    opened.signature.fill(0)
    expect(frame).toEqual(frameCopy)
    expect(openFrame(ROOM, frame).body).toEqual(body(50))
  })

  it('opens a frame that is a view into a larger buffer', () => {
    const frame = sealFrame(ROOM, signed(33))
    const buffer = new Uint8Array(frame.length + 20)
    buffer.set(frame, 7)
    expect(openFrame(ROOM, buffer.subarray(7, 7 + frame.length)).body).toEqual(body(33))
  })
})

describe('openFrame rejects', () => {
  it('a frame with any single byte of its nonce or ciphertext flipped, with DecryptError', () => {
    const frame = sealFrame(ROOM, signed(20))
    for (let i = 1; i < frame.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const tampered = frame.slice()
        tampered[i] ^= mask
        expectOpenError(tampered, 'DecryptError')
      }
    }
  })

  it('a frame whose ciphertext was tampered with, leaving the nonce alone', () => {
    const frame = sealFrame(ROOM, signed(0))
    const tampered = frame.slice()
    tampered[1 + NONCE_BYTES] ^= 0xff
    expectOpenError(tampered, 'DecryptError')
  })

  it('a frame sealed under another room key, with DecryptError', () => {
    const frame = sealFrame(ROOM, signed())
    expectOpenError(frame, 'DecryptError', OTHER_ROOM)
    // the right key is not enough: the room id is part of the associated data
    expectOpenError(frame, 'DecryptError', { roomId: OTHER_ROOM.roomId, messageKey: ROOM.messageKey })
    expectOpenError(frame, 'DecryptError', { roomId: ROOM.roomId, messageKey: OTHER_ROOM.messageKey })
  })

  it('a message signed by one key but claiming another author, with BadSignatureError', () => {
    const plaintext = decryptByHand(sealFrame(ROOM, signed(12)))
    plaintext.set(BOB.publicKey, 1) // author field
    expectOpenError(encryptByHand(plaintext), 'BadSignatureError')
  })

  it('a message whose signed fields were changed by someone with the room key, with BadSignatureError', () => {
    const original = decryptByHand(sealFrame(ROOM, signed(12)))
    const edits: Array<(p: Uint8Array) => void> = [
      p => { p[0] ^= 1 }, // kind
      p => { p[40] ^= 1 }, // seq
      p => { p[48] ^= 1 }, // timestamp
      p => { p[MESSAGE_HEADER_BYTES] ^= 1 }, // body
      p => { p[p.length - 1] ^= 1 } // signature
    ]
    for (const edit of edits) {
      const plaintext = original.slice()
      edit(plaintext)
      expectOpenError(encryptByHand(plaintext), 'BadSignatureError')
    }
  })

  it('a message signed for another room, even when sealed with this room key, with BadSignatureError', () => {
    const forOtherRoom = signMessage(ALICE, OTHER_ROOM.roomId, { kind: 1, seq: 1, timestamp: 1, body: body(8) })
    // it opens fine in the room it was signed for ...
    expect(openFrame(OTHER_ROOM, sealFrame(OTHER_ROOM, forOtherRoom)).seq).toBe(1)
    // ... and is refused when someone moves it into this room
    expectOpenError(sealFrame(ROOM, forOtherRoom), 'BadSignatureError')
  })

  it('a frame larger than the limit, with TooLargeError, before looking at anything else', () => {
    const big = new Uint8Array(MAX_FRAME_BYTES + 1)
    big[0] = FRAME_VERSION
    expectOpenError(big, 'TooLargeError')
    big[0] = 99
    expectOpenError(big, 'TooLargeError')
    // exactly at the limit it is not too large, just garbage
    const atLimit = new Uint8Array(MAX_FRAME_BYTES)
    atLimit[0] = FRAME_VERSION
    expectOpenError(atLimit, 'DecryptError')
  })

  it('an empty frame, with MalformedError', () => {
    expectOpenError(new Uint8Array(0), 'MalformedError')
  })

  it('a frame truncated below the smallest valid frame, with MalformedError', () => {
    const frame = sealFrame(ROOM, signed(40))
    for (let length = 1; length < MIN_FRAME_BYTES; length++) {
      const err = expectOpenError(frame.slice(0, length), 'MalformedError')
      expect(err.message).toContain(String(length))
    }
  })

  it('a frame with bytes cut off the end but still long enough, as undecryptable (DecryptError)', () => {
    const frame = sealFrame(ROOM, signed(40))
    for (let length = MIN_FRAME_BYTES; length < frame.length; length++) {
      expectOpenError(frame.slice(0, length), 'DecryptError')
    }
  })

  it('something that is not bytes, with MalformedError', () => {
    expectOpenError('frame' as unknown as Uint8Array, 'MalformedError')
    expectOpenError(Array.from(sealFrame(ROOM, signed())) as unknown as Uint8Array, 'MalformedError')
  })

  it('an unknown version byte, with UnsupportedVersionError', () => {
    const frame = sealFrame(ROOM, signed())
    for (const version of [0, 2, 0xff]) {
      const other = frame.slice()
      other[0] = version
      const err = expectOpenError(other, 'UnsupportedVersionError')
      expect(err.message).toContain(String(version))
    }
  })

  it('a plaintext whose body length does not match its size, with MalformedError', () => {
    const plaintext = decryptByHand(sealFrame(ROOM, signed(10)))
    const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength)
    for (const claimed of [0, 9, 11, 1000]) {
      view.setUint32(49, claimed)
      expectOpenError(encryptByHand(plaintext), 'MalformedError')
    }
  })

  it('a plaintext that claims a body larger than the limit, with TooLargeError', () => {
    const plaintext = decryptByHand(sealFrame(ROOM, signed(10)))
    new DataView(plaintext.buffer, plaintext.byteOffset).setUint32(49, 0xffffffff)
    expectOpenError(encryptByHand(plaintext), 'TooLargeError')
  })

  it('a plaintext with a seq or timestamp beyond the safe integer range, with MalformedError', () => {
    for (const offset of [33, 41]) {
      const plaintext = decryptByHand(sealFrame(ROOM, signed(10)))
      new DataView(plaintext.buffer, plaintext.byteOffset).setBigUint64(offset, 2n ** 53n)
      expectOpenError(encryptByHand(plaintext), 'MalformedError')
    }
  })

  it('a well-encrypted plaintext too short to hold a header and signature, with MalformedError', () => {
    const plaintext = decryptByHand(sealFrame(ROOM, signed(0)))
    // shortest plaintext the frame-length check lets through is exactly header + signature; one less is caught earlier
    expectOpenError(encryptByHand(plaintext.subarray(0, plaintext.length - 1)), 'MalformedError')
  })
})
