/**
 * Loads the network module and connects, and keeps trying while the relay cannot be reached.
 * With no network at all (the app opened offline from the service worker) the status says
 * "offline", plainly, rather than showing an error; the app connects as soon as it can.
 */
import type { Client } from '../../src/client/client.js'
import type { RelayJson } from './relay-addresses.js'
import { network, notice } from './state.js'

const FIRST_RETRY_MS = 3_000
const MAX_RETRY_MS = 60_000

export interface StartNetworkOptions {
  /** Called once the network module's code is loaded (whether or not connecting works). */
  onLoaded?: () => void
}

/**
 * A failure that only means "no network": fetch and dynamic import reject with a TypeError when
 * the server cannot be reached; a browser that knows it is offline says so.
 */
export function isUnreachable (err: unknown): boolean {
  return !navigator.onLine || err instanceof TypeError
}

export function startNetwork (client: Client, options: StartNetworkOptions = {}): void {
  let connected = false
  let attempting = false
  let delay = FIRST_RETRY_MS
  let timer: ReturnType<typeof setTimeout> | undefined

  const attempt = (): void => {
    if (connected || attempting) return
    attempting = true
    clearTimeout(timer)
    // Asked while the network's code loads, not after: both are needed to start.
    const info = fetch('/relay.json', { cache: 'no-store' }).then(async response => await response.json() as RelayJson)
    info.catch(() => {}) // its failure is reported below, once the code has loaded
    import('./network.js')
      .then(async ({ connect }) => {
        options.onLoaded?.()
        await connect(client, await info)
        connected = true
        removeEventListener('online', attempt)
      })
      .catch((err: Error) => {
        network.value = 'offline'
        if (!isUnreachable(err)) {
          notice.value = `Could not reach the relay (${err.message}). Your messages are kept and will be sent when it is back.`
        }
        timer = setTimeout(attempt, delay)
        delay = Math.min(delay * 2, MAX_RETRY_MS)
      })
      .finally(() => { attempting = false })
  }

  // Coming back online: try at once rather than at the next retry.
  addEventListener('online', () => { delay = FIRST_RETRY_MS; attempt() })
  addEventListener('offline', () => { if (!connected) network.value = 'offline' })
  if (!navigator.onLine) network.value = 'offline'
  attempt()
}
