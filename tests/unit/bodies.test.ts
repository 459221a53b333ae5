import { describe, expect, it } from 'vitest'
import { concatBytes, utf8 } from '../../src/bytes.js'
import {
  Kind, decodePresenceBody, decodeTextBody, encodePresenceBody, encodeTextBody, isStoredKind, normaliseName
} from '../../src/protocol/bodies.js'
import { MAX_NAME_BYTES, MAX_TEXT_BYTES } from '../../src/protocol/constants.js'

function catchError (fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the call to throw')
}

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
  it('round-trip online and offline', () => {
    for (const body of [{ name: 'Ann', online: true }, { name: 'Zoë 🦊', online: false }, { name: 'x'.repeat(MAX_NAME_BYTES), online: true }]) {
      expect(decodePresenceBody(encodePresenceBody(body))).toEqual(body)
    }
  })

  it('are laid out as nameLength | name | flag', () => {
    expect(encodePresenceBody({ name: 'Bo', online: true })).toEqual(Uint8Array.of(2, 0x42, 0x6f, 1))
    expect(encodePresenceBody({ name: 'Bo', online: false })).toEqual(Uint8Array.of(2, 0x42, 0x6f, 0))
  })

  it('refuse to encode an empty or too long name', () => {
    expect(catchError(() => encodePresenceBody({ name: '', online: true }))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodePresenceBody({ name: 'x'.repeat(MAX_NAME_BYTES + 1), online: true }))).toBeInstanceOf(RangeError)
  })

  it('reject an empty body, a bad name length or bad UTF-8 with MalformedError', () => {
    expectErrorName(() => decodePresenceBody(new Uint8Array(0)), 'MalformedError')
    expectErrorName(() => decodePresenceBody(raw(0, new Uint8Array(0), Uint8Array.of(1))), 'MalformedError')
    const long = utf8('x'.repeat(MAX_NAME_BYTES + 1))
    expectErrorName(() => decodePresenceBody(raw(long.length, long, Uint8Array.of(1))), 'MalformedError')
    expectErrorName(() => decodePresenceBody(raw(2, INVALID_UTF8, Uint8Array.of(1))), 'MalformedError')
    expectErrorName(() => decodePresenceBody(raw(9, utf8('Ann'), Uint8Array.of(1))), 'MalformedError')
  })

  it('reject a missing, extra or out-of-range flag with MalformedError', () => {
    expectErrorName(() => decodePresenceBody(raw(3, utf8('Ann'), new Uint8Array(0))), 'MalformedError')
    expectErrorName(() => decodePresenceBody(raw(3, utf8('Ann'), Uint8Array.of(1, 0))), 'MalformedError')
    expectErrorName(() => decodePresenceBody(raw(3, utf8('Ann'), Uint8Array.of(2))), 'MalformedError')
    expectErrorName(() => decodePresenceBody(raw(3, utf8('Ann'), Uint8Array.of(0xff))), 'MalformedError')
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
