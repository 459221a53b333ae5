import { bytesToHex as nobleBytesToHex } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/bytes.js'

describe('bytesToHex', () => {
  it('gives the same lowercase hex as noble, for every byte value and many lengths', () => {
    const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(bytesToHex(everyByte)).toBe(nobleBytesToHex(everyByte))
    for (const length of [0, 1, 2, 31, 32, 33, 64, 1_000, 65_536]) {
      const bytes = crypto.getRandomValues(new Uint8Array(length))
      const hex = bytesToHex(bytes)
      expect(hex).toBe(nobleBytesToHex(bytes))
      expect(hex).toMatch(/^[0-9a-f]*$/)
      expect(hexToBytes(hex)).toEqual(bytes)
    }
  })

  it('reads a view at its own offset, not its buffer', () => {
    const buffer = Uint8Array.from([0xaa, 0x01, 0x02, 0xbb])
    expect(bytesToHex(buffer.subarray(1, 3))).toBe('0102')
  })

  it('refuses what is not bytes, saying what it got', () => {
    expect(() => bytesToHex('0102' as unknown as Uint8Array)).toThrow(TypeError)
    expect(() => bytesToHex(null as unknown as Uint8Array)).toThrow(/expected Uint8Array, got null/)
  })
})
