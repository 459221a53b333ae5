/**
 * Room codes: the shared secret that names a room.
 *
 * A code is 26 random Crockford base32 characters (130 bits) followed by 4 checksum characters
 * (20 bits of SHA-256 over the random part), shown in six groups of five:
 * `7KQ2M-X9D4R-...`. Crockford's alphabet has no I, L, O or U, so a code read aloud or typed from
 * paper survives the usual confusions; entry ignores case, spaces and dashes, and reads I/L as 1
 * and O as 0. The checksum turns a typo into a clear error instead of a silent, empty room.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8 } from '../bytes.js'
import { InvalidRoomCodeError } from '../errors.js'

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
/** Random characters in a code; 26 x 5 = 130 bits of entropy. */
export const CODE_SECRET_CHARS = 26
export const CODE_CHECKSUM_CHARS = 4
export const CODE_CHARS = CODE_SECRET_CHARS + CODE_CHECKSUM_CHARS
const GROUP = 5

/** A validated room code: `secret` is the canonical random part, `display` the grouped form. */
export interface RoomCode {
  readonly secret: string
  readonly display: string
}

/** Creates a new room code from the platform's CSPRNG. */
export function generateRoomCode (random: (n: number) => Uint8Array = defaultRandom): RoomCode {
  const bytes = random(17) // 136 bits; the first 130 are used
  let secret = ''
  for (let i = 0; i < CODE_SECRET_CHARS; i++) {
    secret += CODE_ALPHABET[readBits(bytes, i * 5, 5)]
  }
  return fromSecret(secret)
}

/**
 * Parses what a person typed or pasted into a room code.
 * @throws InvalidRoomCodeError with a message that says what is wrong
 */
export function parseRoomCode (input: string): RoomCode {
  if (typeof input !== 'string') throw new InvalidRoomCodeError('A room code must be text')
  const cleaned = input.toUpperCase().replace(/[\s\-_.]/g, '')
    .replace(/[IL]/g, '1').replace(/O/g, '0')
  if (cleaned.length === 0) throw new InvalidRoomCodeError('Enter a room code')
  const bad = [...cleaned].find(ch => !CODE_ALPHABET.includes(ch))
  if (bad !== undefined) {
    throw new InvalidRoomCodeError(`A room code has only letters and digits; "${bad}" is not one of them`)
  }
  if (cleaned.length !== CODE_CHARS) {
    throw new InvalidRoomCodeError(`A room code has ${CODE_CHARS} letters and digits; this one has ${cleaned.length}`)
  }
  const secret = cleaned.slice(0, CODE_SECRET_CHARS)
  if (checksum(secret) !== cleaned.slice(CODE_SECRET_CHARS)) {
    throw new InvalidRoomCodeError('This room code has a typo: check each character')
  }
  return fromSecret(secret)
}

/** Rebuilds a code from its stored secret part. */
export function roomCodeFromSecret (secret: string): RoomCode {
  if (secret.length !== CODE_SECRET_CHARS || [...secret].some(ch => !CODE_ALPHABET.includes(ch))) {
    throw new InvalidRoomCodeError('Stored room secret is not valid')
  }
  return fromSecret(secret)
}

function fromSecret (secret: string): RoomCode {
  const full = secret + checksum(secret)
  const groups: string[] = []
  for (let i = 0; i < full.length; i += GROUP) groups.push(full.slice(i, i + GROUP))
  return { secret, display: groups.join('-') }
}

function checksum (secret: string): string {
  const digest = sha256(utf8(`meshchat room code v1:${secret}`))
  let out = ''
  for (let i = 0; i < CODE_CHECKSUM_CHARS; i++) out += CODE_ALPHABET[readBits(digest, i * 5, 5)]
  return out
}

/** Reads `count` bits (most significant first) starting at bit `offset`. */
function readBits (bytes: Uint8Array, offset: number, count: number): number {
  let value = 0
  for (let i = 0; i < count; i++) {
    const bit = offset + i
    value = (value << 1) | ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1)
  }
  return value
}

function defaultRandom (n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n))
}
