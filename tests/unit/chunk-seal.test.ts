import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { chunkCount, fileIdOf, openChunk, openFile, sealChunk, sealFile } from '../../src/files/chunk-seal.js'
import { MAX_FILE_BYTES } from '../../src/files/constants.js'
import { catchError } from './catch-error.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

const CHUNK = 4096

function content (size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff
  return out
}

describe('Sealed file chunks', () => {
  it('round-trip files of many lengths, on and around chunk boundaries', () => {
    for (const size of [1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17]) {
      const plain = content(size)
      const sealed = sealFile(plain, CHUNK)
      expect(sealed.chunks).toHaveLength(chunkCount(size, CHUNK))
      expect(openFile(sealed.fileId, sealed.key, size, sealed.chunks)).toEqual(plain)
      expect(plain).toEqual(content(size)) // input not mutated
    }
  })

  it('uses a fresh key per file, so the same content gets a different id', () => {
    const a = sealFile(content(5000), CHUNK)
    const b = sealFile(content(5000), CHUNK)
    expect(bytesToHex(a.key)).not.toBe(bytesToHex(b.key))
    expect(bytesToHex(a.fileId)).not.toBe(bytesToHex(b.fileId))
  })

  it('rejects a chunk with any byte flipped', () => {
    const sealed = sealFile(content(2 * CHUNK), CHUNK)
    const chunk = sealed.chunks[0]
    for (const offset of [0, 100, chunk.length - 1]) {
      const bad = chunk.slice()
      bad[offset] ^= 1
      expect(catchError(() => openChunk(sealed.key, 0, 2, bad)).name).toBe('DecryptError')
    }
  })

  it('rejects a chunk served as another index (reordering)', () => {
    const sealed = sealFile(content(3 * CHUNK), CHUNK)
    expect(catchError(() => openChunk(sealed.key, 1, 3, sealed.chunks[0])).name).toBe('DecryptError')
    expect(catchError(() => openChunk(sealed.key, 0, 3, sealed.chunks[2])).name).toBe('DecryptError')
  })

  it('rejects truncation: a middle chunk passed off as the last, or a file cut short', () => {
    const sealed = sealFile(content(3 * CHUNK), CHUNK)
    // Dropping the last chunk: chunk 1 claimed as the final one of two.
    expect(catchError(() => openChunk(sealed.key, 1, 2, sealed.chunks[1])).name).toBe('DecryptError')
    expect(catchError(() => openFile(sealed.fileId, sealed.key, 2 * CHUNK, sealed.chunks.slice(0, 2))).name).toBe('DecryptError')
  })

  it('rejects a chunk of another file (swapping), even at the same index', () => {
    const a = sealFile(content(2 * CHUNK), CHUNK)
    const b = sealFile(content(2 * CHUNK), CHUNK)
    expect(catchError(() => openChunk(a.key, 0, 2, b.chunks[0])).name).toBe('DecryptError')
  })

  it('catches content re-sealed by someone holding the key, through the file id', () => {
    const sealed = sealFile(content(2 * CHUNK), CHUNK)
    // A member knows the key and seals other bytes as chunk 1: it opens, but the id no longer matches.
    const forged = [sealed.chunks[0], sealChunk(sealed.key, 1, 2, new Uint8Array(CHUNK))]
    expect(() => openChunk(sealed.key, 1, 2, forged[1])).not.toThrow()
    expect(bytesToHex(fileIdOf(forged))).not.toBe(bytesToHex(sealed.fileId))
    expect(catchError(() => openFile(sealed.fileId, sealed.key, 2 * CHUNK, forged)).name).toBe('DecryptError')
  })

  it('refuses empty files, files over the limit, and keys of the wrong length', () => {
    expect(catchError(() => sealFile(new Uint8Array(), CHUNK)).name).toBe('RangeError')
    expect(catchError(() => sealFile(new Uint8Array(MAX_FILE_BYTES + 1))).name).toBe('RangeError')
    expect(catchError(() => sealChunk(new Uint8Array(16), 0, 1, content(10))).name).toBe('RangeError')
    expect(catchError(() => openChunk(new Uint8Array(32), 5, 5, content(40))).name).toBe('RangeError')
  })
})
