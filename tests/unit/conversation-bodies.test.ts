/**
 * Bodies of replies and membership notices, and the avatar colour carried in presence: round
 * trips, layout, and bad input rejected with a named error.
 */
import { describe, expect, it } from 'vitest'
import { concatBytes, utf8 } from '../../src/bytes.js'
import { Kind, decodePresenceBody, encodePresenceBody, isChainedKind, isMessageKind, isStoredKind } from '../../src/protocol/bodies.js'
import { MAX_TEXT_BYTES } from '../../src/protocol/constants.js'
import {
  decodeMembershipBody, decodeReplyBody, encodeMembershipBody, encodeReplyBody
} from '../../src/protocol/conversation-bodies.js'
import { AVATAR_COLOURS, avatarColourCss, isAvatarColour } from '../../src/identity/avatar-colours.js'
import { catchError } from './catch-error.js'

const AUTHOR = new Uint8Array(32).fill(7)
const PREKEY = new Uint8Array(32).map((_, i) => i + 1)

function errorName (fn: () => unknown): string {
  return catchError(fn).name
}

describe('reply and membership kinds', () => {
  it('are stored and chained; only a reply is a message others can edit, delete or react to', () => {
    for (const kind of [Kind.Reply, Kind.Membership]) {
      expect(isStoredKind(kind)).toBe(true)
      expect(isChainedKind(kind)).toBe(true)
    }
    expect(isMessageKind(Kind.Reply)).toBe(true)
    expect(isMessageKind(Kind.Text)).toBe(true)
    expect(isMessageKind(Kind.Membership)).toBe(false)
    expect(isMessageKind(Kind.Reaction)).toBe(false)
  })
})

describe('reply bodies', () => {
  it('round-trip the quoted message, the name and the text', () => {
    for (const text of ['ok', 'Zoë 🦊 says\nhi', 'x'.repeat(MAX_TEXT_BYTES)]) {
      const body = { targetAuthor: AUTHOR, targetSeq: 42, name: 'Bob', text }
      expect(decodeReplyBody(encodeReplyBody(body))).toEqual(body)
    }
    const last = { targetAuthor: AUTHOR, targetSeq: 0xffffffff, name: 'B', text: 't' }
    expect(decodeReplyBody(encodeReplyBody(last))).toEqual(last)
  })

  it('are laid out as targetAuthor(32) | targetSeq(u32) | nameLength | name | text', () => {
    expect(encodeReplyBody({ targetAuthor: AUTHOR, targetSeq: 258, name: 'Bo', text: 'hi' }))
      .toEqual(concatBytes(AUTHOR, Uint8Array.of(0, 0, 1, 2, 2), utf8('Bo'), utf8('hi')))
  })

  it('refuse to encode a bad target, an empty text or one over the limit', () => {
    const ok = { targetAuthor: AUTHOR, targetSeq: 1, name: 'Bo', text: 'hi' }
    expect(catchError(() => encodeReplyBody({ ...ok, targetAuthor: new Uint8Array(31) }))).toBeInstanceOf(RangeError)
    for (const targetSeq of [0, -1, 1.5, 2 ** 32]) {
      expect(catchError(() => encodeReplyBody({ ...ok, targetSeq }))).toBeInstanceOf(RangeError)
    }
    expect(catchError(() => encodeReplyBody({ ...ok, text: '' }))).toBeInstanceOf(RangeError)
    expect(errorName(() => encodeReplyBody({ ...ok, text: 'x'.repeat(MAX_TEXT_BYTES + 1) }))).toBe('TooLargeError')
  })

  it('reject truncated bodies, target 0, empty or invalid text and oversized text', () => {
    const good = encodeReplyBody({ targetAuthor: AUTHOR, targetSeq: 3, name: 'Bo', text: 'hi' })
    for (let length = 0; length < 32 + 4 + 1 + 2 + 1; length++) {
      expect(errorName(() => decodeReplyBody(good.subarray(0, length)))).toBe('MalformedError')
    }
    expect(errorName(() => decodeReplyBody(concatBytes(AUTHOR, Uint8Array.of(0, 0, 0, 0), good.subarray(36))))).toBe('MalformedError')
    expect(errorName(() => decodeReplyBody(concatBytes(good.subarray(0, 39), Uint8Array.of(0xc3, 0x28))))).toBe('MalformedError')
    expect(errorName(() => decodeReplyBody(concatBytes(good.subarray(0, 36), Uint8Array.of(0), utf8('hi'))))).toBe('MalformedError')
    expect(errorName(() => decodeReplyBody(concatBytes(good.subarray(0, 39), new Uint8Array(MAX_TEXT_BYTES + 1).fill(0x61))))).toBe('TooLargeError')
  })
})

describe('membership bodies', () => {
  it('round-trip joined and left with the name', () => {
    for (const action of ['joined', 'left'] as const) {
      expect(decodeMembershipBody(encodeMembershipBody({ action, name: 'Zoë 🦊' }))).toEqual({ action, name: 'Zoë 🦊' })
    }
    expect(encodeMembershipBody({ action: 'left', name: 'Bo' })).toEqual(Uint8Array.of(2, 2, 0x42, 0x6f))
  })

  it('reject an unknown action, a bad name and trailing bytes', () => {
    expect(catchError(() => encodeMembershipBody({ action: 'kicked' as 'left', name: 'Bo' }))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodeMembershipBody({ action: 'joined', name: '' }))).toBeInstanceOf(RangeError)
    for (const bad of [
      new Uint8Array(0), Uint8Array.of(0, 2, 0x42, 0x6f), Uint8Array.of(3, 2, 0x42, 0x6f), Uint8Array.of(1),
      Uint8Array.of(1, 0), Uint8Array.of(1, 3, 0x42, 0x6f), Uint8Array.of(1, 2, 0x42, 0x6f, 0x21), Uint8Array.of(1, 2, 0xc3, 0x28)
    ]) {
      expect(errorName(() => decodeMembershipBody(bad))).toBe('MalformedError')
    }
  })
})

describe('avatar colour in presence', () => {
  it('decodes a body from before colours existed, without a colour', () => {
    const old = concatBytes(Uint8Array.of(3), utf8('Ann'), Uint8Array.of(1), PREKEY)
    expect(decodePresenceBody(old)).toEqual({ name: 'Ann', online: true, prekey: PREKEY })
  })

  it('sends no colour byte until one is chosen, so older peers still read the presence', () => {
    expect(encodePresenceBody({ name: 'Ann', online: true, prekey: PREKEY, colour: 0 })).toHaveLength(1 + 3 + 1 + 32)
    const coloured = encodePresenceBody({ name: 'Ann', online: true, prekey: PREKEY, colour: 4 })
    expect(coloured).toEqual(concatBytes(Uint8Array.of(3), utf8('Ann'), Uint8Array.of(1), PREKEY, Uint8Array.of(4)))
    expect(decodePresenceBody(coloured)).toEqual({ name: 'Ann', online: true, prekey: PREKEY, colour: 4 })
  })

  it('round-trips every colour of the palette', () => {
    for (let colour = 1; colour <= AVATAR_COLOURS.length; colour++) {
      expect(decodePresenceBody(encodePresenceBody({ name: 'A', online: false, prekey: PREKEY, colour })).colour).toBe(colour)
    }
  })

  it('refuses to encode a colour outside the palette', () => {
    for (const colour of [-1, 1.5, AVATAR_COLOURS.length + 1, 256]) {
      expect(catchError(() => encodePresenceBody({ name: 'A', online: true, prekey: PREKEY, colour }))).toBeInstanceOf(RangeError)
    }
  })

  it('rejects a 0 colour byte and extra bytes, and shows a colour from a newer palette as the default', () => {
    const base = concatBytes(Uint8Array.of(1), utf8('A'), Uint8Array.of(1), PREKEY)
    expect(errorName(() => decodePresenceBody(concatBytes(base, Uint8Array.of(0))))).toBe('MalformedError')
    expect(errorName(() => decodePresenceBody(concatBytes(base, Uint8Array.of(1, 1))))).toBe('MalformedError')
    expect(decodePresenceBody(concatBytes(base, Uint8Array.of(200))).colour).toBeUndefined()
  })

  it('has a palette of valid CSS colours, each readable under white initials', () => {
    expect(isAvatarColour(0)).toBe(true)
    expect(avatarColourCss(0)).toBeUndefined()
    for (const [i, { css }] of AVATAR_COLOURS.entries()) {
      expect(avatarColourCss(i + 1)).toBe(css)
      expect(contrastWithWhite(css)).toBeGreaterThanOrEqual(4.5)
    }
  })
})

/** WCAG contrast ratio of white on `hex`. */
function contrastWithWhite (hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
  return 1.05 / (luminance + 0.05)
}
