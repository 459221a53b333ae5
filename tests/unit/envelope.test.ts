import { describe, expect, it } from 'vitest'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { bytesToHex, concatBytes, utf8 } from '../../src/bytes.js'
import { deriveEpochKeys } from '../../src/crypto/room-keys.js'
import type { EpochKeys } from '../../src/crypto/room-keys.js'
import { createIdentity } from '../../src/identity/identity.js'
import {
  AEAD_TAG_BYTES, CHAIN_CONTEXT, EPOCH_TAG_BYTES, FRAME_CONTEXT, FRAME_VERSION, MAX_BODY_BYTES, MAX_FRAME_BYTES,
  MESSAGE_HEADER_BYTES, NONCE_BYTES, PAYLOAD_HEADER_BYTES, SIGNATURE_BYTES
} from '../../src/protocol/constants.js'
import {
  MIN_FRAME_BYTES, Mode, chainedPayload, decodeSigned, encodeSigned, openChained, openFrame, plainPayload, sealFrame,
  signMessage, verifyMessage
} from '../../src/protocol/envelope.js'
import type { FrameKeys, Payload, SignedMessage } from '../../src/protocol/envelope.js'
import { roomCodeFromSecret } from '../../src/room/room-code.js'
import { catchError } from './catch-error.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

const EPOCH = deriveEpochKeys(roomCodeFromSecret('7KQ2MX9D4RT0V1ABCDEFGHJKMN'))
const NEXT_EPOCH = deriveEpochKeys(roomCodeFromSecret('0123456789ABCDEFGHJKMNPQRS'), 1)
const ALICE = createIdentity()
const BOB = createIdentity()
const CHAIN_ID = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)
const MESSAGE_KEY = new Uint8Array(32).fill(0x5a)
/** version | tag | nonce | AEAD tag | payload header | message header | signature, with an empty body. */
const SMALLEST_FRAME = 1 + EPOCH_TAG_BYTES + NONCE_BYTES + AEAD_TAG_BYTES + PAYLOAD_HEADER_BYTES + MESSAGE_HEADER_BYTES + SIGNATURE_BYTES

function body (length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

async function signed (length = 10, overrides: Partial<{ kind: number, seq: number, timestamp: number }> = {}, epoch: EpochKeys = EPOCH): Promise<SignedMessage> {
  return await signMessage(ALICE, epoch.epochId, { kind: 1, seq: 7, timestamp: 1_700_000_000_000, body: body(length), ...overrides })
}

/** The lookup a room does: the keys whose tag the frame names, if held. */
function lookup (...held: EpochKeys[]): (tag: Uint8Array) => EpochKeys | undefined {
  return tag => held.find(k => bytesToHex(k.tag) === bytesToHex(tag))
}

/** Opens a frame through every layer, as a room does, returning the verified message. */
async function openAll (frame: Uint8Array, held: Array<EpochKeys> = [EPOCH], messageKey = MESSAGE_KEY): Promise<SignedMessage> {
  const { keys, payload } = openFrame(frame, lookup(...held))
  const data = payload.mode === Mode.Chained ? openChained(payload, messageKey) : payload.data
  const message = decodeSigned(data)
  expect(bytesToHex(message.author)).toBe(bytesToHex(payload.author))
  await verifyMessage(message, (keys as EpochKeys).epochId)
  return message
}

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection (promise: Promise<unknown>): Promise<Error> {
  return await promise.then(() => { throw new Error('expected the promise to reject') }, (err: Error) => err)
}

async function expectRejection (promise: Promise<unknown>, name: string): Promise<void> {
  expect((await rejection(promise)).name).toBe(name)
}

function expectError (fn: () => unknown, name: string): Error {
  const err = catchError(fn)
  expect(err.name).toBe(name)
  return err
}

/** The AAD as documented: "meshchat/frame/v1" | epochTag | version. */
function aad (tag: Uint8Array): Uint8Array {
  return concatBytes(utf8(FRAME_CONTEXT), tag, Uint8Array.of(FRAME_VERSION))
}

/** Decrypts a frame's payload by hand, independently of openFrame. */
function decryptByHand (frame: Uint8Array, keys: FrameKeys = EPOCH): Uint8Array {
  const nonce = frame.subarray(1 + EPOCH_TAG_BYTES, 1 + EPOCH_TAG_BYTES + NONCE_BYTES)
  return xchacha20poly1305(keys.frameKey, nonce, aad(keys.tag)).decrypt(frame.subarray(1 + EPOCH_TAG_BYTES + NONCE_BYTES))
}

/** Encrypts any payload bytes as a frame by hand. */
function encryptByHand (plaintext: Uint8Array, keys: FrameKeys = EPOCH): Uint8Array {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  return concatBytes(Uint8Array.of(FRAME_VERSION), keys.tag, nonce, xchacha20poly1305(keys.frameKey, nonce, aad(keys.tag)).encrypt(plaintext))
}

/** A plain frame whose signed bytes were edited by someone holding the epoch key. */
function withSigned (message: SignedMessage, edit: (signedBytes: Uint8Array) => void): Uint8Array {
  const plaintext = decryptByHand(sealFrame(EPOCH, plainPayload(message)))
  edit(plaintext.subarray(PAYLOAD_HEADER_BYTES))
  return encryptByHand(plaintext)
}

describe('signMessage, payloads, sealFrame and openFrame', () => {
  it('round-trip plain payloads with bodies of many lengths from 0 to 2048 bytes', async () => {
    const lengths = new Set<number>()
    for (let length = 0; length <= 100; length++) lengths.add(length)
    for (let length = 101; length < 2048; length += 37) lengths.add(length)
    for (const length of [255, 256, 257, 1023, 1024, 1025, 2047, 2048]) lengths.add(length)
    for (const length of lengths) {
      const message = await signMessage(ALICE, EPOCH.epochId, { kind: length & 0xff, seq: length + 1, timestamp: 1000 + length, body: body(length, length) })
      const opened = await openAll(sealFrame(EPOCH, plainPayload(message)))
      expect(opened).toEqual({ kind: length & 0xff, author: ALICE.publicKey, seq: length + 1, timestamp: 1000 + length, body: body(length, length), signature: message.signature })
    }
  })

  it('round-trip chained payloads, which need the message key of their chain position', async () => {
    for (const length of [0, 1, 100, 2048]) {
      const message = await signed(length)
      const frame = sealFrame(EPOCH, chainedPayload(message, CHAIN_ID, 42, MESSAGE_KEY))
      const { payload } = openFrame(frame, lookup(EPOCH))
      expect(payload).toMatchObject({ mode: Mode.Chained, author: ALICE.publicKey, chainId: CHAIN_ID, index: 42 })
      expect(await openAll(frame)).toEqual(message)
    }
  })

  it('return the keys of the epoch the frame names, from the lookup', async () => {
    const frame = sealFrame(NEXT_EPOCH, plainPayload(await signed(3, {}, NEXT_EPOCH)))
    const { keys } = openFrame(frame, lookup(EPOCH, NEXT_EPOCH))
    expect(keys).toBe(NEXT_EPOCH)
    expect((await openAll(frame, [EPOCH, NEXT_EPOCH])).body).toEqual(body(3))
  })

  it('round-trip bodies at and just under the largest allowed size', async () => {
    for (const length of [MAX_BODY_BYTES - 1, MAX_BODY_BYTES]) {
      for (const payload of [plainPayload(await signed(length)), chainedPayload(await signed(length), CHAIN_ID, 0, MESSAGE_KEY)]) {
        const frame = sealFrame(EPOCH, payload)
        expect(frame.length).toBeLessThanOrEqual(MAX_FRAME_BYTES)
        expect((await openAll(frame)).body).toEqual(body(length))
      }
    }
  })

  it('refuse to sign a body larger than the limit with TooLargeError', async () => {
    expect((await rejection(signMessage(ALICE, EPOCH.epochId, { kind: 1, seq: 1, timestamp: 1, body: new Uint8Array(MAX_BODY_BYTES + 1) }))).name).toBe('TooLargeError')
  })

  it('round-trip the largest safe seq and timestamp and every kind byte', async () => {
    const max = Number.MAX_SAFE_INTEGER
    expect(await openAll(sealFrame(EPOCH, plainPayload(await signed(3, { kind: 255, seq: max, timestamp: max }))))).toMatchObject({ kind: 255, seq: max, timestamp: max })
    expect(await openAll(sealFrame(EPOCH, plainPayload(await signed(3, { kind: 0, seq: 0, timestamp: 0 }))))).toMatchObject({ kind: 0, seq: 0, timestamp: 0 })
  })

  it('refuse to sign a kind, seq or timestamp out of range, and a chain index out of range', async () => {
    for (const overrides of [{ kind: 256 }, { kind: -1 }, { seq: -1 }, { seq: 1.5 }, { seq: Number.MAX_SAFE_INTEGER + 1 }, { timestamp: Number.NaN }]) {
      expect(await rejection(signed(1, overrides))).toBeInstanceOf(RangeError)
    }
    const message = await signed(1)
    for (const index of [-1, 2 ** 32, 0.5]) {
      expect(catchError(() => chainedPayload(message, CHAIN_ID, index, MESSAGE_KEY))).toBeInstanceOf(RangeError)
    }
  })

  it('make the smallest frame (empty body) exactly as long as the documented layout says', async () => {
    expect(MIN_FRAME_BYTES).toBe(SMALLEST_FRAME)
    expect(sealFrame(EPOCH, plainPayload(await signed(0))).length).toBe(SMALLEST_FRAME)
    expect(sealFrame(EPOCH, plainPayload(await signed(100))).length).toBe(SMALLEST_FRAME + 100)
    // a chained payload adds the chain's AEAD tag
    expect(sealFrame(EPOCH, chainedPayload(await signed(100), CHAIN_ID, 0, MESSAGE_KEY)).length).toBe(SMALLEST_FRAME + 100 + AEAD_TAG_BYTES)
  })

  it('write the version byte, the epoch tag and the given nonce at the start of the frame', async () => {
    const nonce = body(NONCE_BYTES, 9)
    const frame = sealFrame(EPOCH, plainPayload(await signed()), nonce)
    expect(frame[0]).toBe(FRAME_VERSION)
    expect(frame.subarray(1, 1 + EPOCH_TAG_BYTES)).toEqual(EPOCH.tag)
    expect(frame.subarray(1 + EPOCH_TAG_BYTES, 1 + EPOCH_TAG_BYTES + NONCE_BYTES)).toEqual(nonce)
  })

  it('use a fresh nonce for every frame, so sealing the same payload twice gives different frames', async () => {
    const payload = plainPayload(await signed())
    const a = sealFrame(EPOCH, payload)
    const b = sealFrame(EPOCH, payload)
    expect(a).not.toEqual(b)
    expect(openFrame(a, lookup(EPOCH)).payload).toEqual(openFrame(b, lookup(EPOCH)).payload)
  })

  it('match the documented wire format: payload header | signed, and signed = header | body | signature', async () => {
    const message = await signed(5, { kind: 1, seq: 0x0102030405, timestamp: 0x0a0b0c0d0e })
    const plaintext = decryptByHand(sealFrame(EPOCH, plainPayload(message)))
    expect(plaintext.length).toBe(PAYLOAD_HEADER_BYTES + MESSAGE_HEADER_BYTES + 5 + SIGNATURE_BYTES)
    expect(plaintext[0]).toBe(Mode.Plain)
    expect(plaintext.subarray(1, 33)).toEqual(ALICE.publicKey)
    expect(plaintext.subarray(33, 41)).toEqual(new Uint8Array(8))
    expect(new DataView(plaintext.buffer, plaintext.byteOffset).getUint32(41)).toBe(0)
    const s = plaintext.subarray(PAYLOAD_HEADER_BYTES)
    const view = new DataView(s.buffer, s.byteOffset, s.byteLength)
    expect(s[0]).toBe(1)
    expect(s.subarray(1, 33)).toEqual(ALICE.publicKey)
    expect(view.getBigUint64(33)).toBe(0x0102030405n)
    expect(view.getBigUint64(41)).toBe(0x0a0b0c0d0en)
    expect(view.getUint32(49)).toBe(5)
    expect(s.subarray(MESSAGE_HEADER_BYTES, MESSAGE_HEADER_BYTES + 5)).toEqual(body(5))
    expect(s.subarray(MESSAGE_HEADER_BYTES + 5)).toEqual(message.signature)
    expect(encodeSigned(message)).toEqual(s)
  })

  it('match the documented chained layer: signed bytes under the message key, the payload header as associated data', async () => {
    const message = await signed(5)
    const payload = chainedPayload(message, CHAIN_ID, 0x01020304, MESSAGE_KEY)
    const plaintext = decryptByHand(sealFrame(EPOCH, payload))
    const header = plaintext.subarray(0, PAYLOAD_HEADER_BYTES)
    expect(header[0]).toBe(Mode.Chained)
    expect(header.subarray(33, 41)).toEqual(CHAIN_ID)
    expect(new DataView(header.buffer, header.byteOffset).getUint32(41)).toBe(0x01020304)
    const byHand = xchacha20poly1305(MESSAGE_KEY, new Uint8Array(NONCE_BYTES), concatBytes(utf8(CHAIN_CONTEXT), header))
      .decrypt(plaintext.subarray(PAYLOAD_HEADER_BYTES))
    expect(byHand).toEqual(encodeSigned(message))
  })

  it('bind the signature to the epoch id', async () => {
    const message = await signed(4)
    await verifyMessage(message, EPOCH.epochId)
    await expectRejection(verifyMessage(message, NEXT_EPOCH.epochId), 'BadSignatureError')
  })

  it('do not mutate the message, body, nonce or key they are given, nor the frame they open', async () => {
    const message = await signed(50)
    const snapshot = { ...message, author: message.author.slice(), body: message.body.slice(), signature: message.signature.slice() }
    const nonce = body(NONCE_BYTES, 3)
    const nonceCopy = nonce.slice()
    const keyCopy = MESSAGE_KEY.slice()
    const chained = sealFrame(EPOCH, chainedPayload(message, CHAIN_ID, 3, MESSAGE_KEY), nonce)
    const plain = sealFrame(EPOCH, plainPayload(message), nonce)
    expect(message).toEqual(snapshot)
    expect(nonce).toEqual(nonceCopy)
    expect(MESSAGE_KEY).toEqual(keyCopy)

    for (const frame of [plain, chained]) {
      const frameCopy = frame.slice()
      const { payload } = openFrame(frame, lookup(EPOCH))
      expect(frame).toEqual(frameCopy)
      // the payload does not alias the frame
      payload.data.fill(0)
      payload.author.fill(0)
      payload.chainId.fill(0)
      expect(frame).toEqual(frameCopy)
      expect((await openAll(frame)).body).toEqual(body(50))
    }
    const data = openFrame(chained, lookup(EPOCH)).payload
    const dataCopy = data.data.slice()
    openChained(data, MESSAGE_KEY)
    expect(data.data).toEqual(dataCopy)
  })

  it('open a frame that is a view into a larger buffer', async () => {
    const frame = sealFrame(EPOCH, chainedPayload(await signed(33), CHAIN_ID, 1, MESSAGE_KEY))
    const buffer = new Uint8Array(frame.length + 20)
    buffer.set(frame, 7)
    expect((await openAll(buffer.subarray(7, 7 + frame.length))).body).toEqual(body(33))
  })
})

describe('openFrame, openChained and verifyMessage reject', () => {
  it('a frame with any single byte of its nonce or ciphertext flipped, with DecryptError', async () => {
    const frame = sealFrame(EPOCH, plainPayload(await signed(20)))
    for (let i = 1 + EPOCH_TAG_BYTES; i < frame.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const tampered = frame.slice()
        tampered[i] ^= mask
        expectError(() => openFrame(tampered, lookup(EPOCH)), 'DecryptError')
      }
    }
  })

  it('a frame whose epoch tag was changed, with UnknownEpochError, or DecryptError when the changed tag names another held epoch', async () => {
    const frame = sealFrame(EPOCH, plainPayload(await signed(20)))
    for (let i = 1; i < 1 + EPOCH_TAG_BYTES; i++) {
      const tampered = frame.slice()
      tampered[i] ^= 0x01
      expectError(() => openFrame(tampered, lookup(EPOCH)), 'UnknownEpochError')
    }
    const retagged = frame.slice()
    retagged.set(NEXT_EPOCH.tag, 1)
    expectError(() => openFrame(retagged, lookup(EPOCH, NEXT_EPOCH)), 'DecryptError')
  })

  it('a frame of an epoch whose key we do not hold, with UnknownEpochError', async () => {
    const frame = sealFrame(NEXT_EPOCH, plainPayload(await signed(5, {}, NEXT_EPOCH)))
    expectError(() => openFrame(frame, lookup(EPOCH)), 'UnknownEpochError')
    expectError(() => openFrame(frame, () => undefined), 'UnknownEpochError')
  })

  it('a frame opened with the wrong frame key for its tag, with DecryptError', async () => {
    const frame = sealFrame(EPOCH, plainPayload(await signed()))
    expectError(() => openFrame(frame, () => ({ tag: EPOCH.tag, frameKey: NEXT_EPOCH.frameKey })), 'DecryptError')
    // the tag is authenticated too: the right key with another tag in the AAD fails
    expectError(() => openFrame(frame, () => ({ tag: NEXT_EPOCH.tag, frameKey: EPOCH.frameKey })), 'DecryptError')
  })

  it('a chained payload opened with the wrong message key, with DecryptError', async () => {
    const { payload } = openFrame(sealFrame(EPOCH, chainedPayload(await signed(), CHAIN_ID, 5, MESSAGE_KEY)), lookup(EPOCH))
    expectError(() => openChained(payload, new Uint8Array(32).fill(1)), 'DecryptError')
  })

  it('a chained payload whose header (author, chain id, index) was changed by someone with the epoch key, with DecryptError', async () => {
    const { payload } = openFrame(sealFrame(EPOCH, chainedPayload(await signed(), CHAIN_ID, 5, MESSAGE_KEY)), lookup(EPOCH))
    const edits: Payload[] = [
      { ...payload, author: BOB.publicKey },
      { ...payload, chainId: Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1) },
      { ...payload, index: 6 }
    ]
    for (const edited of edits) {
      const reopened = openFrame(sealFrame(EPOCH, edited), lookup(EPOCH)).payload
      expectError(() => openChained(reopened, MESSAGE_KEY), 'DecryptError')
    }
  })

  it('a message signed by one key but claiming another author, with BadSignatureError', async () => {
    const frame = withSigned(await signed(12), s => { s.set(BOB.publicKey, 1) })
    const message = decodeSigned(openFrame(frame, lookup(EPOCH)).payload.data)
    expect(message.author).toEqual(BOB.publicKey)
    await expectRejection(verifyMessage(message, EPOCH.epochId), 'BadSignatureError')
  })

  it('a message whose signed fields were changed by someone with the epoch key, with BadSignatureError', async () => {
    const edits: Array<(s: Uint8Array) => void> = [
      s => { s[0] ^= 1 }, // kind
      s => { s[40] ^= 1 }, // seq
      s => { s[48] ^= 1 }, // timestamp
      s => { s[MESSAGE_HEADER_BYTES] ^= 1 }, // body
      s => { s[s.length - 1] ^= 1 } // signature
    ]
    for (const edit of edits) {
      const frame = withSigned(await signed(12), edit)
      await expectRejection(openAll(frame), 'BadSignatureError')
    }
  })

  it('a message signed for another epoch, even when sealed with this epoch\'s key, with BadSignatureError', async () => {
    const forOther = await signed(8, { seq: 1 }, NEXT_EPOCH)
    expect((await openAll(sealFrame(NEXT_EPOCH, plainPayload(forOther)), [NEXT_EPOCH])).seq).toBe(1)
    await expectRejection(openAll(sealFrame(EPOCH, plainPayload(forOther))), 'BadSignatureError')
    await expectRejection(openAll(sealFrame(EPOCH, chainedPayload(forOther, CHAIN_ID, 0, MESSAGE_KEY))), 'BadSignatureError')
  })

  it('a frame larger than the limit, with TooLargeError, before looking at anything else', async () => {
    let looked = false
    const big = new Uint8Array(MAX_FRAME_BYTES + 1)
    big[0] = FRAME_VERSION
    expectError(() => openFrame(big, () => { looked = true; return EPOCH }), 'TooLargeError')
    big[0] = 99
    expectError(() => openFrame(big, lookup(EPOCH)), 'TooLargeError')
    expect(looked).toBe(false)
    const atLimit = new Uint8Array(MAX_FRAME_BYTES)
    atLimit[0] = FRAME_VERSION
    atLimit.set(EPOCH.tag, 1)
    expectError(() => openFrame(atLimit, lookup(EPOCH)), 'DecryptError')
  })

  it('refuses to seal a frame over the limit with TooLargeError', async () => {
    const payload = { ...plainPayload(await signed(0)), data: new Uint8Array(MAX_FRAME_BYTES) }
    expectError(() => sealFrame(EPOCH, payload), 'TooLargeError')
  })

  it('an empty frame, with MalformedError', async () => {
    expectError(() => openFrame(new Uint8Array(0), lookup(EPOCH)), 'MalformedError')
  })

  it('a frame truncated below the smallest valid frame, with MalformedError naming its length', async () => {
    const frame = sealFrame(EPOCH, plainPayload(await signed(40)))
    for (let length = 1; length < SMALLEST_FRAME; length++) {
      const err = expectError(() => openFrame(frame.slice(0, length), lookup(EPOCH)), 'MalformedError')
      expect(err.message).toContain(String(length))
    }
  })

  it('a frame with bytes cut off the end but still long enough, with DecryptError', async () => {
    const frame = sealFrame(EPOCH, plainPayload(await signed(40)))
    for (let length = SMALLEST_FRAME; length < frame.length; length++) {
      expectError(() => openFrame(frame.slice(0, length), lookup(EPOCH)), 'DecryptError')
    }
  })

  it('something that is not bytes, with MalformedError', async () => {
    expectError(() => openFrame('frame' as unknown as Uint8Array, lookup(EPOCH)), 'MalformedError')
    const frame = sealFrame(EPOCH, plainPayload(await signed()))
    expectError(() => openFrame(Array.from(frame) as unknown as Uint8Array, lookup(EPOCH)), 'MalformedError')
  })

  it('an unknown version byte, with UnsupportedVersionError', async () => {
    const frame = sealFrame(EPOCH, plainPayload(await signed()))
    for (const version of [0, 2, 0xff]) {
      const other = frame.slice()
      other[0] = version
      const err = expectError(() => openFrame(other, lookup(EPOCH)), 'UnsupportedVersionError')
      expect(err.message).toContain(String(version))
    }
  })

  it('a payload with an unknown mode, with MalformedError', async () => {
    const plaintext = decryptByHand(sealFrame(EPOCH, plainPayload(await signed(0))))
    for (const mode of [2, 0xff]) {
      const edited = plaintext.slice()
      edited[0] = mode
      expectError(() => openFrame(encryptByHand(edited), lookup(EPOCH)), 'MalformedError')
    }
  })

  it('signed bytes whose body length does not match their size, with MalformedError', async () => {
    for (const claimed of [0, 9, 11, 1000]) {
      const frame = withSigned(await signed(10), s => { new DataView(s.buffer, s.byteOffset).setUint32(49, claimed) })
      expectError(() => decodeSigned(openFrame(frame, lookup(EPOCH)).payload.data), 'MalformedError')
    }
  })

  it('signed bytes that claim a body larger than the limit, with TooLargeError', async () => {
    const frame = withSigned(await signed(10), s => { new DataView(s.buffer, s.byteOffset).setUint32(49, 0xffffffff) })
    expectError(() => decodeSigned(openFrame(frame, lookup(EPOCH)).payload.data), 'TooLargeError')
  })

  it('signed bytes with a seq or timestamp beyond the safe integer range, with MalformedError', async () => {
    for (const offset of [33, 41]) {
      const frame = withSigned(await signed(10), s => { new DataView(s.buffer, s.byteOffset).setBigUint64(offset, 2n ** 53n) })
      expectError(() => decodeSigned(openFrame(frame, lookup(EPOCH)).payload.data), 'MalformedError')
    }
  })

  it('signed bytes too short to hold a header and signature, with MalformedError', async () => {
    const s = encodeSigned(await signed(0))
    for (const length of [0, 1, s.length - 1]) expectError(() => decodeSigned(s.subarray(0, length)), 'MalformedError')
  })
})
