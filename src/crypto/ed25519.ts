/**
 * Ed25519 signing and verification: the platform's WebCrypto implementation where it has one
 * (Node, and browsers in a secure context), otherwise @noble/curves. Both implement RFC 8032 and
 * produce the same, deterministic signatures; WebCrypto is native code, several times faster
 * than pure JavaScript (on a small machine, the difference between a few hundred and a few
 * thousand messages a second). Verification on the fallback is strict (no ZIP-215 leniency), like
 * the native implementations, so every peer accepts and rejects the same signatures.
 */
import { bytesToHex, concatBytes, hexToBytes } from '../bytes.js'
import { loadCrypto } from './lazy-crypto.js'

/** DER prefix of a PKCS#8 Ed25519 private key: the 32-byte seed follows it. */
const PKCS8_PREFIX = hexToBytes('302e020100300506032b657004220420')
/** RFC 8032's first test public key: importing it tells whether the platform has Ed25519. */
const PROBE_PUBLIC_KEY = hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
const ALGORITHM = { name: 'Ed25519' }
const MAX_CACHED_KEYS = 1_024

let native: Promise<SubtleCrypto | undefined> | undefined
const privateKeys = new Map<string, Promise<CryptoKey>>()
const publicKeys = new Map<string, Promise<CryptoKey>>()

// The base point is multiplied for every signature: a larger precomputed table makes the
// pure-JavaScript path about twice as fast.
let precomputed = false

/** Signs `message` with a 32-byte Ed25519 secret key (seed). */
export async function ed25519Sign (message: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> {
  const subtle = await nativeEd25519()
  if (subtle === undefined) {
    const { ed25519 } = (await loadCrypto()).curves
    precompute(ed25519)
    return ed25519.sign(message, secretKey)
  }
  const key = await cached(privateKeys, bytesToHex(secretKey), async () =>
    await subtle.importKey('pkcs8', buffer(concatBytes(PKCS8_PREFIX, secretKey)), ALGORITHM, false, ['sign']))
  return new Uint8Array(await subtle.sign(ALGORITHM, key, buffer(message)))
}

/**
 * The public key of a secret key (seed). Natively where possible: the pure-JavaScript path
 * builds its point tables on first use, a noticeable pause when the app opens on a slow device.
 */
export async function ed25519PublicKey (secretKey: Uint8Array): Promise<Uint8Array> {
  const subtle = await nativeEd25519()
  if (subtle === undefined) return (await loadCrypto()).curves.ed25519.getPublicKey(secretKey)
  const key = await subtle.importKey('pkcs8', buffer(concatBytes(PKCS8_PREFIX, secretKey)), ALGORITHM, true, ['sign'])
  const { x } = await subtle.exportKey('jwk', key)
  return fromBase64Url(x!)
}

/**
 * A new key pair, natively where possible, so a first visit (an invitation link) does not wait
 * for the pure-JavaScript curves to load and build their tables.
 */
export async function ed25519KeyPair (): Promise<{ secretKey: Uint8Array, publicKey: Uint8Array }> {
  const subtle = await nativeEd25519()
  if (subtle === undefined) return (await loadCrypto()).curves.ed25519.keygen()
  const pair = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as CryptoKeyPair
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey))
  const secretKey = pkcs8.slice(PKCS8_PREFIX.length)
  const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey))
  return { secretKey, publicKey }
}

/** Verifies an Ed25519 signature; malformed keys or signatures count as not verifying. */
export async function ed25519Verify (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  const subtle = await nativeEd25519()
  try {
    if (subtle === undefined) return (await loadCrypto()).curves.ed25519.verify(signature, message, publicKey, { zip215: false })
    const key = await cached(publicKeys, bytesToHex(publicKey), async () =>
      await subtle.importKey('raw', buffer(publicKey), ALGORITHM, false, ['verify']))
    return await subtle.verify(ALGORITHM, key, buffer(signature), buffer(message))
  } catch {
    return false
  }
}

/** Which implementation signs and verifies here: 'webcrypto' or 'noble'. */
export async function ed25519Implementation (): Promise<'webcrypto' | 'noble'> {
  return (await nativeEd25519()) === undefined ? 'noble' : 'webcrypto'
}

/** WebCrypto's subtle interface if it can do Ed25519 here, found out once. */
async function nativeEd25519 (): Promise<SubtleCrypto | undefined> {
  native ??= (async () => {
    const subtle = globalThis.crypto?.subtle
    if (subtle === undefined) return undefined // not a secure context
    try {
      await subtle.importKey('raw', buffer(PROBE_PUBLIC_KEY), ALGORITHM, false, ['verify'])
      return subtle
    } catch {
      return undefined
    }
  })()
  return await native
}

async function cached (cache: Map<string, Promise<CryptoKey>>, id: string, make: () => Promise<CryptoKey>): Promise<CryptoKey> {
  let key = cache.get(id)
  if (key === undefined) {
    if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!)
    key = make()
    cache.set(id, key)
    key.catch(() => { cache.delete(id) })
  }
  return await key
}

/** WebCrypto's types want an ArrayBuffer-backed view; copy only when this one is not. */
function fromBase64Url (text: string): Uint8Array {
  return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0))
}

function buffer (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? bytes as Uint8Array<ArrayBuffer> : new Uint8Array(bytes)
}

function precompute (ed25519: Awaited<ReturnType<typeof loadCrypto>>['curves']['ed25519']): void {
  if (precomputed) return
  precomputed = true
  ed25519.Point.BASE.precompute(8, false)
}
