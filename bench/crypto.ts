/**
 * 4. Crypto and codec: sealing (sign + encrypt) and opening (decrypt + verify) the project's
 * envelope as a chat message uses it (sender-chain and epoch layers, see lib/envelope.ts), per
 * second, on one core (this process's main thread), at two body sizes.
 */
import { loadCrypto } from '../src/crypto/lazy-crypto.js'
import { createIdentity } from '../src/identity/identity.js'
import { generateRoomCode } from '../src/room/room-code.js'
import { ed25519Implementation } from '../src/crypto/ed25519.js'
import { createSealer } from './lib/envelope.js'
import { round } from './lib/util.js'

export interface CryptoRow {
  bodyBytes: number
  sealPerSec: number
  openPerSec: number
  /** One seal and one open, back to back, per second. */
  roundTripPerSec: number
  frameBytes: number
}

export interface CryptoResult {
  /** Which Ed25519 implementation ran: the platform's WebCrypto, or @noble/curves. */
  signer: string
  rows: CryptoRow[]
}

/** Calls of `fn` per second over `ms` (or over `max` calls, if that comes first), after 50 to warm up. */
async function rate (fn: () => Promise<unknown>, ms: number, max = 1_000_000): Promise<number> {
  for (let i = 0; i < 50; i++) await fn() // warm up the JIT and the key caches
  const start = performance.now()
  let n = 0
  while (performance.now() - start < ms && n < max) {
    await fn()
    n++
  }
  return n / ((performance.now() - start) / 1000)
}

export async function measureCrypto (sizes: number[], msPerCase: number): Promise<CryptoResult> {
  await loadCrypto()
  const rows: CryptoRow[] = []
  for (const bodyBytes of sizes) {
    // A fresh chain per size: the frames of the last size that were not opened in time would
    // leave this one's too far ahead for its reader.
    const sealer = createSealer(generateRoomCode(), createIdentity())
    const body = globalThis.crypto.getRandomValues(new Uint8Array(bodyBytes))
    let seq = 0
    // Each frame opens once, in order, as a member reads an author's messages: a chain's key is
    // used up by the first open.
    const frames: Uint8Array[] = []
    const sealPerSec = await rate(async () => { frames.push(await sealer.seal(1, ++seq, body)) }, msPerCase)
    let i = 0
    const openPerSec = await rate(async () => await sealer.open(frames[i++]), msPerCase, frames.length - 50)
    rows.push({
      bodyBytes,
      sealPerSec: round(sealPerSec, 0),
      openPerSec: round(openPerSec, 0),
      roundTripPerSec: round(1 / (1 / sealPerSec + 1 / openPerSec), 0),
      frameBytes: frames[0].length
    })
  }
  return { signer: await ed25519Implementation(), rows }
}
