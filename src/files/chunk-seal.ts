/**
 * Sealing a file into chunks and opening them again.
 *
 * Each chunk is sealed with XChaCha20-Poly1305 under the file's own random 32-byte key. The
 * nonce carries the chunk's index and a final-chunk flag, and the associated data the chunk
 * count, so a peer that serves chunks without the key cannot forge, reorder, swap or truncate
 * them: each would fail to open. Because the key is used for this one file only, a nonce made
 * of the index never repeats under a key.
 *
 * The file id commits to the sealed content: SHA-256 over the SHA-256 of every sealed chunk, in
 * order. A room member (who holds the key, and so could seal chunks of their own) still cannot
 * serve different content under an id without the downloader noticing at the end.
 */
import { chacha } from '../crypto/lazy-crypto.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8 } from '../bytes.js'
import { DecryptError } from '../errors.js'
import { CHUNK_BYTES, MAX_FILE_BYTES } from './constants.js'

const CHUNK_AAD = utf8('meshchat/file-chunk/v1')
const FILE_ID_CONTEXT = utf8('meshchat/file-id/v1')
const KEY_BYTES = 32
/** Poly1305 tag added to each chunk. */
export const CHUNK_TAG_BYTES = 16

export interface SealedFile {
  readonly fileId: Uint8Array
  readonly key: Uint8Array
  readonly size: number
  readonly chunkSize: number
  /** Sealed chunks, in order. */
  readonly chunks: Uint8Array[]
}

/** Number of chunks of a file of `size` bytes. */
export function chunkCount (size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize)
}

/** Seals `content` under a fresh random key; `chunkSize` is for tests. */
export function sealFile (content: Uint8Array, chunkSize = CHUNK_BYTES): SealedFile {
  if (content.length === 0) throw new RangeError('A file must not be empty')
  if (content.length > MAX_FILE_BYTES) throw new RangeError(`A file is at most ${MAX_FILE_BYTES} bytes, got ${content.length}`)
  const key = globalThis.crypto.getRandomValues(new Uint8Array(KEY_BYTES))
  const count = chunkCount(content.length, chunkSize)
  const chunks: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    chunks.push(sealChunk(key, i, count, content.subarray(i * chunkSize, (i + 1) * chunkSize)))
  }
  return { fileId: fileIdOf(chunks), key, size: content.length, chunkSize, chunks }
}

/** Seals chunk `index` of `count`. */
export function sealChunk (key: Uint8Array, index: number, count: number, plaintext: Uint8Array): Uint8Array {
  return chacha().xchacha20poly1305(checkKey(key), chunkNonce(index, count), chunkAad(count)).encrypt(plaintext)
}

/**
 * Opens chunk `index` of `count`.
 * @throws DecryptError when it was not sealed as that chunk of that file
 */
export function openChunk (key: Uint8Array, index: number, count: number, sealed: Uint8Array): Uint8Array {
  const cipher = chacha().xchacha20poly1305(checkKey(key), chunkNonce(index, count), chunkAad(count))
  try {
    return cipher.decrypt(sealed)
  } catch {
    throw new DecryptError(`Chunk ${index} of ${count} does not open: tampered, reordered or from another file`)
  }
}

/** The file id: SHA-256 over the SHA-256 of each sealed chunk, in order. */
export function fileIdOf (chunks: Uint8Array[]): Uint8Array {
  const hash = sha256.create().update(FILE_ID_CONTEXT)
  for (const chunk of chunks) hash.update(sha256(chunk))
  return hash.digest()
}

/** Opens every chunk and joins them; checks the id first. */
export function openFile (fileId: Uint8Array, key: Uint8Array, size: number, chunks: Uint8Array[]): Uint8Array {
  const id = fileIdOf(chunks)
  if (id.length !== fileId.length || id.some((b, i) => b !== fileId[i])) throw new DecryptError('The file does not match its id')
  const out = concatBytes(...chunks.map((c, i) => openChunk(key, i, chunks.length, c)))
  if (out.length !== size) throw new DecryptError(`The file is ${out.length} bytes, not the ${size} announced`)
  return out
}

function chunkNonce (index: number, count: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`chunk index expected 0..${count - 1}, got ${index}`)
  const nonce = new Uint8Array(24)
  const view = new DataView(nonce.buffer)
  view.setUint32(19, index)
  nonce[23] = index === count - 1 ? 1 : 0
  return nonce
}

function chunkAad (count: number): Uint8Array {
  const n = new Uint8Array(4)
  new DataView(n.buffer).setUint32(0, count)
  return concatBytes(CHUNK_AAD, n)
}

function checkKey (key: Uint8Array): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw new RangeError(`"key" expected ${KEY_BYTES} bytes, got ${key?.length}`)
  return key
}
