/**
 * 4. Crypto and codec: sealing (sign + encrypt) and opening (decrypt + verify) the project's
 * envelope, per second, on one core (this process's main thread), at two body sizes.
 */
import { createIdentity } from '../src/identity/identity.js'
import { generateRoomCode } from '../src/room/room-code.js'
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
  envelope: string
  rows: CryptoRow[]
}

function rate (fn: () => void, ms: number): number {
  for (let i = 0; i < 50; i++) fn() // warm up the JIT
  const start = performance.now()
  let n = 0
  while (performance.now() - start < ms && n < 1_000_000) {
    fn()
    n++
  }
  return n / ((performance.now() - start) / 1000)
}

export function measureCrypto (sizes: number[], msPerCase: number): CryptoResult {
  const identity = createIdentity()
  const sealer = createSealer(generateRoomCode(), identity)
  const rows = sizes.map(bodyBytes => {
    const body = globalThis.crypto.getRandomValues(new Uint8Array(bodyBytes))
    let seq = 0
    const frames = Array.from({ length: 64 }, () => sealer.seal(1, ++seq, body))
    const sealPerSec = rate(() => { sealer.seal(1, ++seq, body) }, msPerCase)
    let i = 0
    const openPerSec = rate(() => { sealer.open(frames[i++ % frames.length]) }, msPerCase)
    return {
      bodyBytes,
      sealPerSec: round(sealPerSec, 0),
      openPerSec: round(openPerSec, 0),
      roundTripPerSec: round(1 / (1 / sealPerSec + 1 / openPerSec), 0),
      frameBytes: frames[0].length
    }
  })
  return { envelope: sealer.shape, rows }
}
