import { describe, expect, it } from 'vitest'
import { concatBytes, utf8 } from '../../src/bytes.js'
import {
  KEY_SHARE_CIPHERTEXT_BYTES, Kind, MAX_KEY_SHARE_ENTRIES, MAX_REMOVED, MAX_ROTATE_ENTRIES, ROTATE_CIPHERTEXT_BYTES,
  decodeKeyShareBody, decodePresenceBody, decodeRotateBody, decodeTextBody, encodeKeyShareBody, encodePresenceBody,
  encodeRotateBody, encodeTextBody, isStoredKind, normaliseName
} from '../../src/protocol/bodies.js'
import type { KeyShareEntry, RotateBody, RotateEntry } from '../../src/protocol/bodies.js'
import { MAX_NAME_BYTES, MAX_TEXT_BYTES } from '../../src/protocol/constants.js'
import { catchError } from './catch-error.js'

function expectErrorName (fn: () => unknown, name: string): Error {
  const err = catchError(fn)
  expect(err.name).toBe(name)
  return err
}

/** nameLength(u8) | name | rest, with no checks, for building bad bodies. */
function raw (nameLength: number, name: Uint8Array, rest: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(nameLength), name, rest)
}

const INVALID_UTF8 = Uint8Array.of(0xc3, 0x28) // a lead byte followed by a non-continuation byte

describe('Kind and isStoredKind', () => {
  it('stores text messages and nothing else', () => {
    expect(isStoredKind(Kind.Text)).toBe(true)
    expect(isStoredKind(Kind.Presence)).toBe(false)
    expect(isStoredKind(Kind.KeyShare)).toBe(false)
    expect(isStoredKind(Kind.Rotate)).toBe(false)
    expect(isStoredKind(0)).toBe(false)
    expect(isStoredKind(99)).toBe(false)
  })
})

describe('text bodies', () => {
  it('round-trip names and texts, ASCII and not', () => {
    const cases = [
      { name: 'Ann', text: 'hello' },
      { name: 'Zoë 🦊', text: 'Grüße aus Köln — 你好 👋🏽\nsecond line' },
      { name: 'x'.repeat(MAX_NAME_BYTES), text: '.' },
      { name: 'é'.repeat(MAX_NAME_BYTES / 2), text: 'a'.repeat(MAX_TEXT_BYTES) }
    ]
    for (const body of cases) expect(decodeTextBody(encodeTextBody(body))).toEqual(body)
  })

  it('are laid out as nameLength | name | text', () => {
    expect(encodeTextBody({ name: 'Bo', text: 'hi' })).toEqual(Uint8Array.of(2, 0x42, 0x6f, 0x68, 0x69))
  })

  it('refuse to encode an empty or too long name, or empty text', () => {
    expect(catchError(() => encodeTextBody({ name: '', text: 'hi' }))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodeTextBody({ name: 'x'.repeat(MAX_NAME_BYTES + 1), text: 'hi' }))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodeTextBody({ name: 'é'.repeat(MAX_NAME_BYTES / 2 + 1), text: 'hi' }))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodeTextBody({ name: 'Ann', text: '' }))).toBeInstanceOf(RangeError)
  })

  it('refuse to encode text over the limit with TooLargeError', () => {
    expectErrorName(() => encodeTextBody({ name: 'Ann', text: 'a'.repeat(MAX_TEXT_BYTES + 1) }), 'TooLargeError')
    expectErrorName(() => encodeTextBody({ name: 'Ann', text: 'é'.repeat(MAX_TEXT_BYTES / 2 + 1) }), 'TooLargeError')
  })

  it('reject an empty body with MalformedError', () => {
    expectErrorName(() => decodeTextBody(new Uint8Array(0)), 'MalformedError')
  })

  it('reject a name length of 0 or above the limit with MalformedError', () => {
    expectErrorName(() => decodeTextBody(raw(0, new Uint8Array(0), utf8('hi'))), 'MalformedError')
    const long = utf8('x'.repeat(MAX_NAME_BYTES + 1))
    expectErrorName(() => decodeTextBody(raw(long.length, long, utf8('hi'))), 'MalformedError')
    expectErrorName(() => decodeTextBody(raw(255, utf8('x'.repeat(255)), utf8('hi'))), 'MalformedError')
  })

  it('reject a name that is cut short with MalformedError', () => {
    expectErrorName(() => decodeTextBody(raw(10, utf8('abc'), new Uint8Array(0))), 'MalformedError')
  })

  it('reject a body with a name but no text with MalformedError', () => {
    expectErrorName(() => decodeTextBody(raw(3, utf8('Ann'), new Uint8Array(0))), 'MalformedError')
  })

  it('reject invalid UTF-8 in the name or the text with MalformedError', () => {
    expectErrorName(() => decodeTextBody(raw(2, INVALID_UTF8, utf8('hi'))), 'MalformedError')
    expectErrorName(() => decodeTextBody(raw(3, utf8('Ann'), INVALID_UTF8)), 'MalformedError')
    // a multi-byte character split by the name length
    const split = utf8('é')
    expectErrorName(() => decodeTextBody(raw(1, split, utf8('hi'))), 'MalformedError')
    // an encoded surrogate half is not UTF-8 either
    expectErrorName(() => decodeTextBody(raw(3, utf8('Ann'), Uint8Array.of(0xed, 0xa0, 0x80))), 'MalformedError')
  })

  it('reject text over the limit with TooLargeError', () => {
    expectErrorName(() => decodeTextBody(raw(3, utf8('Ann'), new Uint8Array(MAX_TEXT_BYTES + 1).fill(0x61))), 'TooLargeError')
  })

  it('do not mutate or keep the input bytes', () => {
    const bytes = encodeTextBody({ name: 'Ann', text: 'hi' })
    const copy = bytes.slice()
    const decoded = decodeTextBody(bytes)
    expect(bytes).toEqual(copy)
    bytes.fill(0x61)
    expect(decoded).toEqual({ name: 'Ann', text: 'hi' })
  })
})

describe('presence bodies', () => {
  const PREKEY = new Uint8Array(32).map((_, i) => i + 1)

  it('round-trip online and offline, asking for keys or not, with the session prekey', () => {
    for (const body of [
      { name: 'Ann', online: true, prekey: PREKEY },
      { name: 'Zoë 🦊', online: false, prekey: new Uint8Array(32) },
      { name: 'x'.repeat(MAX_NAME_BYTES), online: true, prekey: PREKEY, wantsKeys: true }
    ]) {
      expect(decodePresenceBody(encodePresenceBody(body))).toEqual(body)
    }
  })

  it('are laid out as nameLength | name | flags | prekey(32)', () => {
    expect(encodePresenceBody({ name: 'Bo', online: true, prekey: PREKEY })).toEqual(concatBytes(Uint8Array.of(2, 0x42, 0x6f, 1), PREKEY))
    expect(encodePresenceBody({ name: 'Bo', online: false, prekey: PREKEY })).toEqual(concatBytes(Uint8Array.of(2, 0x42, 0x6f, 0), PREKEY))
    expect(encodePresenceBody({ name: 'Bo', online: true, prekey: PREKEY, wantsKeys: true })).toEqual(concatBytes(Uint8Array.of(2, 0x42, 0x6f, 3), PREKEY))
  })

  it('refuse to encode an empty or too long name, or a prekey that is not 32 bytes', () => {
    expect(catchError(() => encodePresenceBody({ name: '', online: true, prekey: PREKEY }))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodePresenceBody({ name: 'x'.repeat(MAX_NAME_BYTES + 1), online: true, prekey: PREKEY }))).toBeInstanceOf(RangeError)
    for (const length of [0, 31, 33]) {
      expect(catchError(() => encodePresenceBody({ name: 'Ann', online: true, prekey: new Uint8Array(length) }))).toBeInstanceOf(RangeError)
    }
  })

  it('reject an empty body, a bad name length or bad UTF-8 with MalformedError', () => {
    const tail = concatBytes(Uint8Array.of(1), PREKEY)
    expectErrorName(() => decodePresenceBody(new Uint8Array(0)), 'MalformedError')
    expectErrorName(() => decodePresenceBody(raw(0, new Uint8Array(0), tail)), 'MalformedError')
    const long = utf8('x'.repeat(MAX_NAME_BYTES + 1))
    expectErrorName(() => decodePresenceBody(raw(long.length, long, tail)), 'MalformedError')
    expectErrorName(() => decodePresenceBody(raw(2, INVALID_UTF8, tail)), 'MalformedError')
    expectErrorName(() => decodePresenceBody(raw(9, utf8('Ann'), tail)), 'MalformedError')
  })

  it('reject missing, extra or unknown flags, and a missing, short or long prekey, with MalformedError', () => {
    const ann = utf8('Ann')
    for (const rest of [
      new Uint8Array(0), Uint8Array.of(1), Uint8Array.of(1, 0),
      concatBytes(Uint8Array.of(4), PREKEY), concatBytes(Uint8Array.of(0xff), PREKEY),
      concatBytes(Uint8Array.of(1), PREKEY.subarray(1)), concatBytes(Uint8Array.of(1), PREKEY, Uint8Array.of(0)),
      PREKEY
    ]) {
      expectErrorName(() => decodePresenceBody(raw(3, ann, rest)), 'MalformedError')
    }
  })

  it('do not keep the input bytes: the decoded prekey is a copy', () => {
    const bytes = encodePresenceBody({ name: 'Ann', online: true, prekey: PREKEY })
    const decoded = decodePresenceBody(bytes)
    bytes.fill(0)
    expect(decoded.prekey).toEqual(PREKEY)
  })
})

function filled (length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value)
}

function shareEntry (i: number): KeyShareEntry {
  return { recipient: filled(32, i), prekey: filled(32, i + 1), ephemeral: filled(32, i + 2), ciphertext: filled(KEY_SHARE_CIPHERTEXT_BYTES, i + 3) }
}

function rotateEntry (i: number): RotateEntry {
  return { recipient: filled(32, i), ephemeral: filled(32, i + 1), ciphertext: filled(ROTATE_CIPHERTEXT_BYTES, i + 2) }
}

describe('key share bodies', () => {
  const ENTRY_BYTES = 32 * 3 + KEY_SHARE_CIPHERTEXT_BYTES

  it('round-trip one entry and the most entries allowed', () => {
    for (const count of [1, 2, MAX_KEY_SHARE_ENTRIES]) {
      const entries = Array.from({ length: count }, (_, i) => shareEntry(i))
      const bytes = encodeKeyShareBody(entries)
      expect(bytes.length).toBe(1 + count * ENTRY_BYTES)
      expect(bytes[0]).toBe(count)
      expect(decodeKeyShareBody(bytes)).toEqual(entries)
    }
  })

  it('are laid out as count | { recipient | prekey | ephemeral | ciphertext }*', () => {
    const e = shareEntry(7)
    expect(encodeKeyShareBody([e])).toEqual(concatBytes(Uint8Array.of(1), e.recipient, e.prekey, e.ephemeral, e.ciphertext))
    expect(KEY_SHARE_CIPHERTEXT_BYTES).toBe(8 + 4 + 32 + 16)
  })

  it('refuse to encode no entries, too many, or a ciphertext of the wrong length', () => {
    expect(catchError(() => encodeKeyShareBody([]))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodeKeyShareBody(Array.from({ length: MAX_KEY_SHARE_ENTRIES + 1 }, (_, i) => shareEntry(i))))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodeKeyShareBody([{ ...shareEntry(1), ciphertext: new Uint8Array(10) }]))).toBeInstanceOf(RangeError)
  })

  it('reject an empty body, a zero or too large count, and a length that does not match the count, with MalformedError', () => {
    const two = encodeKeyShareBody([shareEntry(1), shareEntry(2)])
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0),
      concatBytes(Uint8Array.of(MAX_KEY_SHARE_ENTRIES + 1), new Uint8Array((MAX_KEY_SHARE_ENTRIES + 1) * ENTRY_BYTES)),
      Uint8Array.of(0xff),
      two.subarray(0, two.length - 1),
      concatBytes(two, Uint8Array.of(0)),
      concatBytes(Uint8Array.of(3), two.subarray(1)),
      concatBytes(Uint8Array.of(1), two.subarray(1))
    ]
    for (const bytes of bad) expectErrorName(() => decodeKeyShareBody(bytes), 'MalformedError')
  })

  it('decode copies: changing the input afterwards changes nothing decoded', () => {
    const bytes = encodeKeyShareBody([shareEntry(1)])
    const decoded = decodeKeyShareBody(bytes)
    bytes.fill(0xee)
    expect(decoded).toEqual([shareEntry(1)])
  })
})

describe('rotate bodies', () => {
  const ENTRY_BYTES = 32 * 2 + ROTATE_CIPHERTEXT_BYTES

  it('round-trip with no one removed, some removed, and no entries', () => {
    const bodies: RotateBody[] = [
      { epoch: 1, removed: [], entries: [rotateEntry(1), rotateEntry(2)] },
      { epoch: 0xffffffff, removed: [filled(32, 9), filled(32, 10)], entries: [rotateEntry(3)] },
      { epoch: 5, removed: [filled(32, 1)], entries: [] },
      { epoch: 2, removed: Array.from({ length: MAX_REMOVED }, (_, i) => filled(32, i)), entries: Array.from({ length: MAX_ROTATE_ENTRIES }, (_, i) => rotateEntry(i)) }
    ]
    for (const body of bodies) expect(decodeRotateBody(encodeRotateBody(body))).toEqual(body)
  })

  it('are laid out as epoch(u32) | removedCount | removed* | entryCount(u16) | entries*', () => {
    const e = rotateEntry(4)
    const bytes = encodeRotateBody({ epoch: 0x01020304, removed: [filled(32, 7)], entries: [e] })
    expect(bytes).toEqual(concatBytes(Uint8Array.of(1, 2, 3, 4, 1), filled(32, 7), Uint8Array.of(0, 1), e.recipient, e.ephemeral, e.ciphertext))
    expect(ROTATE_CIPHERTEXT_BYTES).toBe(26 + 16)
  })

  it('refuse to encode too many removed members or entries', () => {
    expect(catchError(() => encodeRotateBody({ epoch: 1, removed: Array.from({ length: MAX_REMOVED + 1 }, () => filled(32, 1)), entries: [] }))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodeRotateBody({ epoch: 1, removed: [], entries: Array.from({ length: MAX_ROTATE_ENTRIES + 1 }, (_, i) => rotateEntry(i)) }))).toBeInstanceOf(RangeError)
  })

  it('reject truncation, counts out of range and lengths that do not match the counts, with MalformedError', () => {
    const good = encodeRotateBody({ epoch: 3, removed: [filled(32, 1)], entries: [rotateEntry(1), rotateEntry(2)] })
    const tooManyRemoved = good.slice()
    tooManyRemoved[4] = MAX_REMOVED + 1
    const tooManyEntries = concatBytes(Uint8Array.of(0, 0, 0, 1, 0), Uint8Array.of((MAX_ROTATE_ENTRIES + 1) >> 8, (MAX_ROTATE_ENTRIES + 1) & 0xff),
      new Uint8Array((MAX_ROTATE_ENTRIES + 1) * ENTRY_BYTES))
    const removedBeyondEnd = good.slice(0, 5 + 32 + 2)
    removedBeyondEnd[4] = 2
    const bad: Uint8Array[] = [
      new Uint8Array(0), new Uint8Array(6), good.subarray(0, 5), good.subarray(0, 5 + 32 + 1),
      good.subarray(0, good.length - 1), concatBytes(good, Uint8Array.of(0)),
      tooManyRemoved, tooManyEntries, removedBeyondEnd
    ]
    for (const bytes of bad) expectErrorName(() => decodeRotateBody(bytes), 'MalformedError')
  })

  it('decode a body that is a view into a larger buffer', () => {
    const body: RotateBody = { epoch: 9, removed: [filled(32, 3)], entries: [rotateEntry(5)] }
    const bytes = encodeRotateBody(body)
    const buffer = new Uint8Array(bytes.length + 11)
    buffer.set(bytes, 5)
    expect(decodeRotateBody(buffer.subarray(5, 5 + bytes.length))).toEqual(body)
  })
})

describe('normaliseName', () => {
  it('trims surrounding whitespace and collapses inner runs to one space', () => {
    expect(normaliseName('  Ann  ')).toBe('Ann')
    expect(normaliseName('\tAnn \n  Lee\r\n')).toBe('Ann Lee')
    expect(normaliseName('A\u00a0\u00a0B')).toBe('A B')
  })

  it('leaves a short, clean name as it is', () => {
    expect(normaliseName('Zoë 🦊')).toBe('Zoë 🦊')
    expect(normaliseName('x'.repeat(MAX_NAME_BYTES))).toBe('x'.repeat(MAX_NAME_BYTES))
  })

  it('cuts a long name to the byte limit without splitting a character', () => {
    expect(normaliseName('x'.repeat(200))).toBe('x'.repeat(MAX_NAME_BYTES))
    expect(normaliseName('é'.repeat(40))).toBe('é'.repeat(32)) // 2 bytes each: 64
    expect(normaliseName('🦊'.repeat(20))).toBe('🦊'.repeat(16)) // 4 bytes each: 64
    expect(normaliseName('a' + '🦊'.repeat(20))).toBe('a' + '🦊'.repeat(15)) // 61 bytes; one more would be 65
  })

  it('always returns a name the body encoders accept', () => {
    for (const name of ['x'.repeat(500), ' é'.repeat(100), '  a  ', '🦊'.repeat(33), 'b' + 'é'.repeat(40)]) {
      const normal = normaliseName(name)
      const bytes = utf8(normal).length
      expect(bytes).toBeGreaterThan(0)
      expect(bytes).toBeLessThanOrEqual(MAX_NAME_BYTES)
      expect(decodeTextBody(encodeTextBody({ name: normal, text: 'hi' })).name).toBe(normal)
    }
  })

  it('never returns a name that ends in whitespace, even when the cut falls just after a space', () => {
    // 63 letters, a space, then more: the 64-byte cut lands right after the space
    const name = 'a'.repeat(63) + ' bcd'
    const normal = normaliseName(name)
    expect(normal).toBe('a'.repeat(63))
    expect(normal).toBe(normal.trim())
  })

  it('is idempotent', () => {
    for (const name of ['  Ann   Lee ', 'x'.repeat(100), 'a'.repeat(63) + ' b', 'é'.repeat(31) + ' z']) {
      const once = normaliseName(name)
      expect(normaliseName(once)).toBe(once)
    }
  })

  it('throws RangeError for an empty or whitespace-only name', () => {
    expect(catchError(() => normaliseName(''))).toBeInstanceOf(RangeError)
    expect(catchError(() => normaliseName(' \t\n '))).toBeInstanceOf(RangeError)
  })
})
