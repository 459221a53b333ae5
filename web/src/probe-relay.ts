/**
 * Whether a relay answers at all, checked with a bare WebSocket before libp2p is asked to listen
 * through it: libp2p refuses to start when any configured relay cannot be reached, so the app
 * only hands it the relays that answered.
 */
import { webSocketUrl } from './relay-addresses.js'
import type { RelayCandidate } from './relay-addresses.js'

const PROBE_TIMEOUT_MS = 4_000

/** Resolves true once a WebSocket to `addr` opens, false on error or after the timeout. */
export async function relayAnswers (addr: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const url = webSocketUrl(addr)
  if (url === undefined) return false
  return await new Promise(resolve => {
    let socket: WebSocket
    try {
      socket = new WebSocket(url)
    } catch {
      resolve(false)
      return
    }
    const done = (answered: boolean): void => {
      clearTimeout(timer)
      socket.onopen = socket.onerror = null
      socket.close()
      resolve(answered)
    }
    const timer = setTimeout(() => { done(false) }, timeoutMs)
    socket.onopen = () => { done(true) }
    socket.onerror = () => { done(false) }
  })
}

/** The candidates that answer, in their original order. */
export async function answeringRelays (candidates: RelayCandidate[]): Promise<RelayCandidate[]> {
  const answers = await Promise.all(candidates.map(async c => await relayAnswers(c.addr)))
  return candidates.filter((_, i) => answers[i])
}
