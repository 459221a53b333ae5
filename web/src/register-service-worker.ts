/// <reference types="vite/client" />
/**
 * Registers the service worker that keeps the app usable offline, where browsers allow one
 * (a secure context: https, or http on localhost) and only in a production build.
 */

/** Whether this page may register a service worker at all. */
export function canUseServiceWorker (): boolean {
  return import.meta.env.PROD && window.isSecureContext && 'serviceWorker' in navigator
}

/** Registers `/sw.js`; undefined where service workers are not allowed. */
export async function registerServiceWorker (): Promise<ServiceWorkerRegistration | undefined> {
  if (!canUseServiceWorker()) return undefined
  return await navigator.serviceWorker.register('/sw.js', { scope: '/' })
}

/**
 * Lets a version that finished installing earlier take over. Called once this page has loaded
 * all its code (the lazily loaded network module included): the old version's cache may then go,
 * and the new one serves the next load. Nothing is reloaded.
 */
export function activateWaitingWorker (registration: ServiceWorkerRegistration | undefined): void {
  registration?.waiting?.postMessage('skip-waiting')
}
