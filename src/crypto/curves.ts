/**
 * @noble/curves (Ed25519 and X25519 in pure JavaScript), loaded on demand. It is the largest
 * piece of the core, and nothing on the way to showing stored history needs it: the app loads it
 * with the network, so the first paint does not wait for it. Code that uses the curves
 * synchronously runs only after `loadCurves()` has resolved: on first run (a new identity), when
 * a room attaches to the network, and at the entry points of key rotation and contacts.
 */
type Curves = typeof import('@noble/curves/ed25519.js')

let loaded: Curves | undefined
let loading: Promise<Curves> | undefined

export async function loadCurves (): Promise<Curves> {
  loading ??= import('@noble/curves/ed25519.js').then(module => (loaded = module))
  return await loading
}

export function curvesLoaded (): boolean {
  return loaded !== undefined
}

/** The curves, once loaded. @throws Error if `loadCurves()` has not resolved yet: a bug in the caller. */
export function curves (): Curves {
  if (loaded === undefined) throw new Error('The curve code is not loaded yet: await loadCurves() first')
  return loaded
}
