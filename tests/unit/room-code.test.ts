import { describe, expect, it } from 'vitest'
import {
  CODE_ALPHABET, CODE_CHARS, CODE_SECRET_CHARS, generateRoomCode, parseRoomCode, roomCodeFromSecret
} from '../../src/room/room-code.js'
import { catchError } from './catch-error.js'

/** A fixed secret, so the typo test is the same on every run. */
const FIXED_SECRET = '7KQ2MX9D4RT0V1ABCDEFGHJKMN'

function expectInvalid (input: unknown): Error {
  const err = catchError(() => parseRoomCode(input as string))
  expect(err.name).toBe('InvalidRoomCodeError')
  return err
}

describe('generateRoomCode', () => {
  it('makes codes of 30 characters in six dash-separated groups of five', () => {
    for (let i = 0; i < 50; i++) {
      const code = generateRoomCode()
      const groups = code.display.split('-')
      expect(groups).toHaveLength(6)
      for (const group of groups) expect(group).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}$/)
      expect(groups.join('')).toHaveLength(CODE_CHARS)
      expect(CODE_CHARS).toBe(30)
    }
  })

  it('makes a 26-character secret that is the start of the displayed code', () => {
    const code = generateRoomCode()
    expect(code.secret).toHaveLength(CODE_SECRET_CHARS)
    expect(code.secret).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(code.display.replace(/-/g, '').startsWith(code.secret)).toBe(true)
  })

  it('uses only Crockford base32 characters, never I, L, O or U', () => {
    expect(CODE_ALPHABET).toHaveLength(32)
    expect(new Set(CODE_ALPHABET).size).toBe(32)
    for (let i = 0; i < 50; i++) expect(generateRoomCode().display).not.toMatch(/[ILOU]/)
  })

  it('parses a generated code back to the same secret and display', () => {
    for (let i = 0; i < 50; i++) {
      const code = generateRoomCode()
      expect(parseRoomCode(code.display)).toEqual(code)
    }
  })

  it('makes distinct codes every time', () => {
    const codes = new Set<string>()
    for (let i = 0; i < 2000; i++) codes.add(generateRoomCode().secret)
    expect(codes.size).toBe(2000)
  })

  it('asks the random source for 17 bytes and reads them five bits at a time, most significant first', () => {
    const requested: number[] = []
    const random = (n: number): Uint8Array => {
      requested.push(n)
      const bytes = new Uint8Array(n)
      bytes[0] = 0b00001000 // 00001 -> '1', then 000 ...
      bytes[1] = 0b10000000 // ... 10 -> 00010 -> '2'
      return bytes
    }
    const code = generateRoomCode(random)
    expect(requested).toEqual([17])
    expect(code.secret).toBe('12' + '0'.repeat(24))
  })

  it('maps all-zero and all-one random bytes to the first and last characters of the alphabet', () => {
    expect(generateRoomCode(n => new Uint8Array(n)).secret).toBe('0'.repeat(26))
    expect(generateRoomCode(n => new Uint8Array(n).fill(0xff)).secret).toBe('Z'.repeat(26))
  })
})

describe('parseRoomCode', () => {
  const code = roomCodeFromSecret(FIXED_SECRET)

  it('ignores case', () => {
    expect(parseRoomCode(code.display.toLowerCase())).toEqual(code)
  })

  it('ignores spaces, dashes and missing dashes', () => {
    const compact = code.display.replace(/-/g, '')
    expect(parseRoomCode(compact)).toEqual(code)
    expect(parseRoomCode(`  ${compact.match(/.{1,3}/g)!.join(' ')}  `)).toEqual(code)
    expect(parseRoomCode(compact.split('').join('-'))).toEqual(code)
    expect(parseRoomCode(`\t${code.display.replace(/-/g, ' - ')}\n`)).toEqual(code)
  })

  it('reads I and L as 1 and O as 0, in either case', () => {
    const withOnesAndZeros = roomCodeFromSecret('0101010101' + '1010101010' + '001100')
    const typed = withOnesAndZeros.display
      .replace(/0/g, (_, i: number) => (i % 2 === 0 ? 'O' : 'o'))
      .replace(/1/g, (_, i: number) => ['I', 'i', 'L', 'l'][i % 4])
    expect(typed).toMatch(/[Oo]/)
    expect(typed).toMatch(/[Ii]/)
    expect(typed).toMatch(/[Ll]/)
    expect(typed).not.toMatch(/[01]/)
    expect(parseRoomCode(typed)).toEqual(withOnesAndZeros)
  })

  it('rejects every one-character typo with InvalidRoomCodeError', () => {
    const full = code.display.replace(/-/g, '')
    let tried = 0
    for (let position = 0; position < full.length; position++) {
      for (const ch of CODE_ALPHABET) {
        if (ch === full[position]) continue
        const typo = full.slice(0, position) + ch + full.slice(position + 1)
        const err = expectInvalid(typo)
        expect(err.message).toMatch(/typo/)
        tried++
      }
    }
    expect(tried).toBe(30 * 31)
  })

  it('rejects a code with two neighbouring characters swapped', () => {
    const full = code.display.replace(/-/g, '')
    // positions 0 and 1 are '7' and 'K'
    expectInvalid(full[1] + full[0] + full.slice(2))
  })

  it('says how many characters a code of the wrong length has', () => {
    const full = code.display.replace(/-/g, '')
    const short = expectInvalid(full.slice(0, 29))
    expect(short.message).toContain('30')
    expect(short.message).toContain('29')
    const long = expectInvalid(full + '0')
    expect(long.message).toContain('31')
    expect(expectInvalid(full.slice(0, 26)).message).toContain('26')
  })

  it('names the character that cannot be in a code', () => {
    const full = code.display.replace(/-/g, '')
    expect(expectInvalid(full.slice(0, 10) + 'U' + full.slice(11)).message).toContain('"U"')
    expect(expectInvalid(full.slice(0, 10) + '#' + full.slice(11)).message).toContain('"#"')
    expect(expectInvalid(full.slice(0, 10) + 'é' + full.slice(11)).message).toContain('"É"')
  })

  it('asks for a code when the input is empty or only separators', () => {
    expect(expectInvalid('').message).toMatch(/Enter a room code/)
    expect(expectInvalid('  - -  ').message).toMatch(/Enter a room code/)
  })

  it('rejects input that is not a string', () => {
    expect(expectInvalid(undefined).message).toMatch(/text/)
    expect(expectInvalid(12345).message).toMatch(/text/)
  })

  it('is an Error subclass, so it can be thrown and caught like any error', () => {
    expect(expectInvalid('nope')).toBeInstanceOf(Error)
  })
})

describe('roomCodeFromSecret', () => {
  it('rebuilds exactly the code a secret came from', () => {
    for (let i = 0; i < 20; i++) {
      const code = generateRoomCode()
      expect(roomCodeFromSecret(code.secret)).toEqual(code)
    }
  })

  it('makes a display that parses back to the same secret', () => {
    const code = roomCodeFromSecret(FIXED_SECRET)
    expect(code.secret).toBe(FIXED_SECRET)
    expect(code.display.startsWith('7KQ2M-X9D4R-T0V1A-BCDEF-GHJKM-N')).toBe(true)
    expect(parseRoomCode(code.display).secret).toBe(FIXED_SECRET)
  })

  it('rejects stored secrets of the wrong length or with characters outside the alphabet', () => {
    for (const bad of ['', FIXED_SECRET.slice(1), FIXED_SECRET + '0', FIXED_SECRET.toLowerCase(), 'U' + FIXED_SECRET.slice(1)]) {
      const err = catchError(() => roomCodeFromSecret(bad))
      expect(err.name).toBe('InvalidRoomCodeError')
    }
  })
})
