/**
 * The service worker: keeps the app shell (index.html and every built file) so the app opens
 * with no network, and answers nothing else. Built by the `serviceWorker` plugin in
 * `vite.config.ts` into `sw.js`, with the build's precache manifest in place of the placeholder.
 *
 * Updates: a new build is a new version and a new cache. The new worker installs in the
 * background and waits; the page asks it to take over when the app is next opened, once that
 * page has loaded all its code (`register-service-worker.ts`). The page never reloads by itself.
 */
import { cacheName, HASHED_PREFIX, requestPolicy } from './sw-policy.js'
import type { PrecacheManifest } from './sw-policy.js'

// The DOM typings have no worker scope; the little this file uses is typed here.
interface ExtendableEvent extends Event { waitUntil(promise: Promise<unknown>): void }
interface FetchEvent extends ExtendableEvent { readonly request: Request, respondWith(response: Promise<Response>): void }
interface MessageEventLike extends ExtendableEvent { readonly data: unknown }
interface WorkerScope {
  readonly location: Location
  skipWaiting(): Promise<void>
  readonly clients: { claim(): Promise<void> }
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void
}

/** A navigation that takes longer than this is answered from the cache (a network that hangs). */
const NAVIGATION_TIMEOUT_MS = 4_000

const MANIFEST: PrecacheManifest = JSON.parse('__MESHCHAT_PRECACHE__')
const CACHE = cacheName(MANIFEST.version)
const PRECACHED = new Set(MANIFEST.urls)
const scope = self as unknown as WorkerScope

scope.addEventListener('install', event => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE)
    // Hashed files never change, so the HTTP cache's copy is good; the others are revalidated.
    await cache.addAll(MANIFEST.urls.map(url => new Request(url, { cache: url.startsWith(HASHED_PREFIX) ? 'default' : 'no-cache' })))
  })())
})

scope.addEventListener('activate', event => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('meshchat-shell-') && name !== CACHE) await caches.delete(name)
    }
    // The first install takes the open page, so it works offline without a reload.
    await scope.clients.claim()
  })())
})

scope.addEventListener('message', event => {
  if (event.data === 'skip-waiting') event.waitUntil(scope.skipWaiting())
})

scope.addEventListener('fetch', event => {
  const request = event.request
  switch (requestPolicy(request, scope.location.origin, PRECACHED)) {
    case 'pass': return
    case 'navigation':
      event.respondWith(navigation(request))
      return
    case 'cache-first':
      event.respondWith(cacheFirst(request))
  }
})

async function cacheFirst (request: Request): Promise<Response> {
  const cached = await caches.match(request, { cacheName: CACHE, ignoreSearch: true })
  return cached ?? await fetch(request)
}

/**
 * The network's page when it answers; the cached shell when it fails or hangs. Fresh pages are
 * not written to the cache: the cached index.html must match the cached files it loads.
 */
async function navigation (request: Request): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error('navigation timed out')) }, NAVIGATION_TIMEOUT_MS)
  })
  try {
    const response = await Promise.race([fetch(request), timeout])
    if (response.status < 500) return response
    throw new Error(`server answered ${response.status}`)
  } catch (err) {
    const shell = await caches.match('/index.html', { cacheName: CACHE })
    if (shell !== undefined) return shell
    throw err
  } finally {
    clearTimeout(timer)
  }
}
