/**
 * Small byte helpers shared by the codecs. Everything here is pure and allocation-light.
 */
import { bytesToHex, hexToBytes, utf8ToBytes, concatBytes } from '@noble/hashes/utils.js'

export { bytesToHex, hexToBytes, concatBytes }

const decoder = new TextDecoder('utf-8', { fatal: true })

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
