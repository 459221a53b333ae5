/** The value of the unsigned varint at the start of `bytes`, and how many bytes it took (0: none). */
export function readVarint (bytes: Uint8Array): { value: number, length: number } {
  let value = 0
  for (let i = 0; i < Math.min(bytes.length, 5); i++) {
    value += (bytes[i] & 0x7f) * 2 ** (7 * i)
    if ((bytes[i] & 0x80) === 0) return { value, length: i + 1 }
  }
  return { value: -1, length: 0 }
}
