/**
 * Ed25519 signing and verification, natively where the platform has it: Node's crypto module in
 * Node, WebCrypto in browsers (in a secure context); otherwise @noble/curves. All implement
 * RFC 8032 and produce the same, deterministic signatures. Native code is several times faster
 * than pure JavaScript (on a small machine, the difference between a few hundred and a few
 * thousand messages a second). Verification on the fallback is strict (no ZIP-215 leniency), like
 * the native implementations, so every peer accepts and rejects the same signatures.
 */
import type * as NodeCrypto from 'node:crypto'
import { bytesToHex, concatBytes, hexToBytes } from '../bytes.js'
import { loadCrypto } from './lazy-crypto.js'

/** DER prefix of a PKCS#8 Ed25519 private key: the 32-byte seed follows it. */
const PKCS8_PREFIX = hexToBytes('302e020100300506032b657004220420')
/** DER prefix of an SPKI Ed25519 public key: the 32-byte key follows it. */
const SPKI_PREFIX = hexToBytes('302a300506032b6570032100')
/** RFC 8032's first test public key: importing it tells whether the platform has Ed25519. */
const PROBE_PUBLIC_KEY = hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
const ALGORITHM = { name: 'Ed25519' }
const MAX_CACHED_KEYS = 1_024

let native: Promise<SubtleCrypto | undefined> | undefined
const privateKeys = new Map<string, Promise<CryptoKey>>()
const publicKeys = new Map<string, Promise<CryptoKey>>()
let nodeCrypto: typeof NodeCrypto | null | undefined
const nodePrivateKeys = new Map<string, NodeCrypto.KeyObject>()
const nodePublicKeys = new Map<string, NodeCrypto.KeyObject>()

// The base point is multiplied for every signature: a larger precomputed table makes the
// pure-JavaScript path about twice as fast.
let precomputed = false

/** Signs `message` with a 32-byte Ed25519 secret key (seed). */
export async function ed25519Sign (message: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> {
  const node = nodeEd25519()
  if (node !== undefined) {
    const key = remember(nodePrivateKeys, bytesToHex(secretKey), () =>
      node.createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_PREFIX, secretKey)), format: 'der', type: 'pkcs8' }))
    return new Uint8Array(node.sign(null, message, key))
  }
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
  const node = nodeEd25519()
  if (node !== undefined) {
    try {
      const key = remember(nodePublicKeys, bytesToHex(publicKey), () =>
        node.createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)), format: 'der', type: 'spki' }))
      return node.verify(null, message, key, signature)
    } catch {
      return false
    }
  }
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

/** Which implementation signs and verifies here: 'node', 'webcrypto' or 'noble'. */
export async function ed25519Implementation (): Promise<'node' | 'webcrypto' | 'noble'> {
  if (nodeEd25519() !== undefined) return 'node'
  return (await nativeEd25519()) === undefined ? 'noble' : 'webcrypto'
}

/**
 * Node's crypto module, when running in Node. Its Ed25519 is OpenSSL's, as is Node's WebCrypto,
 * but synchronous: WebCrypto hands every signature to a worker thread and back, which in Node
 * costs more CPU than the signature itself. Looked up at run time, so that browser bundles never
 * see it.
 */
function nodeEd25519 (): typeof NodeCrypto | undefined {
  if (nodeCrypto === undefined) {
    const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    nodeCrypto = (node?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined) ?? null
  }
  return nodeCrypto ?? undefined
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
  return await remember(cache, id, () => {
    const key = make()
    key.catch(() => { cache.delete(id) })
    return key
  })
}

/** The key made from `id` (a key's hex), made once; the oldest is forgotten beyond MAX_CACHED_KEYS. */
function remember<T> (cache: Map<string, T>, id: string, make: () => T): T {
  let key = cache.get(id)
  if (key === undefined) {
    if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!)
    key = make()
    cache.set(id, key)
  }
  return key
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
