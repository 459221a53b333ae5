/**
 * Small byte helpers shared by the codecs. Everything here is pure and allocation-light.
 */
import { bytesToHex as nobleBytesToHex, hexToBytes, utf8ToBytes, concatBytes } from '@noble/hashes/utils.js'

export { hexToBytes, concatBytes }

const decoder = new TextDecoder('utf-8', { fatal: true })
/** Only ever given ASCII (hex digits), which every single-byte decoder reads alike. */
const asciiDecoder = new TextDecoder('latin1')
const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef')
const hasNativeHex = typeof (Uint8Array.prototype as { toHex?: unknown }).toHex === 'function'

/**
 * Lowercase hex of `bytes`, as one flat string. Where the platform has no
 * `Uint8Array.prototype.toHex` (Node 24, older browsers), noble's fallback appends two digits at
 * a time, and V8 keeps such a string as a rope: one node per append, about 2 KB for a 32-byte
 * key instead of 100 bytes. Ids like these are kept for as long as a message is (store keys,
 * maps), and every young-generation collection copied the ropes: in a member process of the
 * benchmark's 10-member room, 2 MB every few seconds, pauses of 5-14 ms (1.3 MB and 2.4-6.5 ms
 * with flat strings).
 */
export function bytesToHex (bytes: Uint8Array): string {
  if (hasNativeHex) return nobleBytesToHex(bytes)
  assertBytes(bytes, 'bytes')
  const digits = new Uint8Array(bytes.length * 2)
  for (let i = 0; i < bytes.length; i++) {
    digits[2 * i] = HEX_DIGITS[bytes[i] >> 4]
    digits[2 * i + 1] = HEX_DIGITS[bytes[i] & 15]
  }
  return asciiDecoder.decode(digits)
}

/** UTF-8 encode a string. */
export function utf8 (text: string): Uint8Array {
  return utf8ToBytes(text)
}

/** Strict UTF-8 decode: invalid sequences throw instead of turning into U+FFFD. */
export function fromUtf8 (bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/** Throws a TypeError/RangeError that says what was received, in the style of noble. */
export function assertBytes (value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`"${name}" expected Uint8Array, got ${value === null ? 'null' : typeof value}`)
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`"${name}" expected Uint8Array of length ${length}, got length=${value.length}`)
  }
}
