/**
 * Bytes sealed under a passphrase: scrypt (memory-hard, its parameters stored with the box) turns
 * the passphrase into a key, XChaCha20-Poly1305 seals the bytes. Used for identity backups and
 * for the app lock. The header (version, parameters, salt, nonce) is authenticated as associated
 * data, so none of it can be changed without the box failing to open.
 *
 * box = version(1) | logN(1) | r(1) | p(1) | salt(16) | nonce(24) | ciphertext (plaintext + 16-byte tag)
 */
import { concatBytes, utf8 } from '../bytes.js'
import { MalformedError, UnsupportedVersionError } from '../errors.js'
import { loadCrypto } from './lazy-crypto.js'

/** scrypt cost: N = 2^logN, block size r, parallelism p. */
export interface KdfParams {
  readonly logN: number
  readonly r: number
  readonly p: number
}

/** N = 2^15, r = 8: 32 MiB of memory, about half a second to a second in a browser. */
export const DEFAULT_KDF: KdfParams = { logN: 15, r: 8, p: 1 }

/** Accepted parameter ranges: a box cannot make us spend unbounded memory or time. */
const MIN_LOG_N = 10
const MAX_LOG_N = 18
const MAX_R = 16
const MAX_P = 4

const VERSION = 1
const SALT_BYTES = 16
const NONCE_BYTES = 24
const TAG_BYTES = 16
export const BOX_HEADER_BYTES = 4 + SALT_BYTES + NONCE_BYTES
/** The smallest box: a header and an empty plaintext's tag. */
export const MIN_BOX_BYTES = BOX_HEADER_BYTES + TAG_BYTES

/** Thrown when a box does not open: the passphrase is wrong, or the bytes were changed. */
export class WrongPassphraseError extends Error {
  constructor (message = 'Wrong passphrase or damaged data') { super(message); this.name = 'WrongPassphraseError' }
}

/** Seals `plaintext` under `passphrase`; `context` binds the box to one use (backup, lock). */
export async function sealWithPassphrase (plaintext: Uint8Array, passphrase: string, context: string, params: KdfParams = DEFAULT_KDF): Promise<Uint8Array> {
  checkParams(params)
  if (passphrase === '') throw new RangeError('A passphrase cannot be empty')
  const header = concatBytes(
    Uint8Array.of(VERSION, params.logN, params.r, params.p), randomBytes(SALT_BYTES), randomBytes(NONCE_BYTES))
  const key = await deriveKey(passphrase, header, params)
  const { xchacha20poly1305 } = (await loadCrypto()).chacha
  const ciphertext = xchacha20poly1305(key, nonceOf(header), concatBytes(utf8(context), header)).encrypt(plaintext)
  key.fill(0)
  return concatBytes(header, ciphertext)
}

/**
 * Opens a box made by `sealWithPassphrase` with the same context.
 * @throws MalformedError when the bytes are too short or the parameters out of range
 * @throws UnsupportedVersionError for a box from a newer format
 * @throws WrongPassphraseError when it does not decrypt
 */
export async function openWithPassphrase (box: Uint8Array, passphrase: string, context: string): Promise<Uint8Array> {
  if (!(box instanceof Uint8Array)) throw new TypeError('"box" expected Uint8Array')
  if (box.length < MIN_BOX_BYTES) throw new MalformedError(`Sealed data is too short: ${box.length} bytes`)
  if (box[0] !== VERSION) throw new UnsupportedVersionError(`Sealed data has version ${box[0]}; this app reads version ${VERSION}`)
  const params = { logN: box[1], r: box[2], p: box[3] }
  try {
    checkParams(params)
  } catch (err) {
    throw new MalformedError((err as Error).message)
  }
  const header = box.subarray(0, BOX_HEADER_BYTES)
  const key = await deriveKey(passphrase, header, params)
  const { xchacha20poly1305 } = (await loadCrypto()).chacha
  try {
    return xchacha20poly1305(key, nonceOf(header), concatBytes(utf8(context), header)).decrypt(box.subarray(BOX_HEADER_BYTES))
  } catch {
    throw new WrongPassphraseError()
  } finally {
    key.fill(0)
  }
}

function checkParams ({ logN, r, p }: KdfParams): void {
  if (!Number.isInteger(logN) || logN < MIN_LOG_N || logN > MAX_LOG_N) throw new RangeError(`scrypt logN must be ${MIN_LOG_N}..${MAX_LOG_N}, got ${logN}`)
  if (!Number.isInteger(r) || r < 1 || r > MAX_R) throw new RangeError(`scrypt r must be 1..${MAX_R}, got ${r}`)
  if (!Number.isInteger(p) || p < 1 || p > MAX_P) throw new RangeError(`scrypt p must be 1..${MAX_P}, got ${p}`)
}

async function deriveKey (passphrase: string, header: Uint8Array, { logN, r, p }: KdfParams): Promise<Uint8Array> {
  const salt = header.subarray(4, 4 + SALT_BYTES)
  // NFC, so the same passphrase typed on two keyboards gives the same key.
  // Loaded when first needed: only backups and the app lock use it.
  const { scryptAsync } = await import('@noble/hashes/scrypt.js')
  return await scryptAsync(utf8(passphrase.normalize('NFC')), salt, { N: 2 ** logN, r, p, dkLen: 32, maxmem: 2 ** 30 })
}

function nonceOf (header: Uint8Array): Uint8Array {
  return header.subarray(4 + SALT_BYTES, BOX_HEADER_BYTES)
}

function randomBytes (length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length))
}
