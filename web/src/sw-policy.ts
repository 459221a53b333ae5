/**
 * How the service worker answers each request. Pure, so it is tested in Node and bundled into
 * the worker as is.
 */

/** What the build tells the worker: its version and every file of the app shell. */
export interface PrecacheManifest {
  /** Changes whenever any file of the build changes; names the cache. */
  version: string
  /** Absolute paths (`/index.html`, `/assets/index-1a2b3c.js`, …). */
  urls: string[]
}

/**
 * - `pass`: the worker stays out of it (other origins, other methods, live endpoints).
 * - `navigation`: network first, the cached shell when the network fails.
 * - `cache-first`: a file of the shell; the cached copy, else the network.
 */
export type RequestPolicy = 'pass' | 'navigation' | 'cache-first'

/** Live answers from the relay: never cached, never answered from a cache. */
export const NEVER_CACHED = new Set(['/relay.json', '/health', '/metrics'])

/** Prefix of Vite's content-hashed build output. */
export const HASHED_PREFIX = '/assets/'

/** The name of the cache that holds one version of the shell. */
export function cacheName (version: string): string {
  return `meshchat-shell-${version}`
}

export interface RequestLike {
  method: string
  mode: string
  url: string
}

/** Decides how a request is answered; `origin` is the worker's own origin. */
export function requestPolicy (request: RequestLike, origin: string, precached: ReadonlySet<string>): RequestPolicy {
  if (request.method !== 'GET') return 'pass'
  const url = new URL(request.url)
  if (url.origin !== origin) return 'pass'
  if (NEVER_CACHED.has(url.pathname)) return 'pass'
  if (request.mode === 'navigate') return 'navigation'
  if (url.pathname.startsWith(HASHED_PREFIX) || precached.has(url.pathname)) return 'cache-first'
  return 'pass'
}
