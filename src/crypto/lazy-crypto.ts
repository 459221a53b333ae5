/**
 * The pure-JavaScript curves (@noble/curves: Ed25519, X25519) and cipher (@noble/ciphers:
 * XChaCha20-Poly1305), loaded on demand. They are the largest part of the core, and nothing on
 * the way to showing stored history needs them: the app loads them with the network, so the
 * first paint does not wait. Code that uses them synchronously runs only after `loadCrypto()`
 * has resolved: on first run (a new identity), when a room attaches to the network (every frame
 * sealed or opened comes after that), and at the entry points of key rotation and contacts.
 */
type Curves = typeof import('@noble/curves/ed25519.js')
type Chacha = typeof import('@noble/ciphers/chacha.js')

let loaded: { curves: Curves, chacha: Chacha } | undefined
let loading: Promise<{ curves: Curves, chacha: Chacha }> | undefined

export async function loadCrypto (): Promise<{ curves: Curves, chacha: Chacha }> {
  loading ??= Promise.all([import('@noble/curves/ed25519.js'), import('@noble/ciphers/chacha.js')])
    .then(([curves, chacha]) => (loaded = { curves, chacha }))
  return await loading
}

export function cryptoLoaded (): boolean {
  return loaded !== undefined
}

/** Ed25519 and X25519, once loaded. @throws Error before `loadCrypto()` resolved: a bug in the caller. */
export function curves (): Curves {
  return required().curves
}

/** XChaCha20-Poly1305, once loaded. @throws Error before `loadCrypto()` resolved: a bug in the caller. */
export function chacha (): Chacha {
  return required().chacha
}

function required (): { curves: Curves, chacha: Chacha } {
  if (loaded === undefined) throw new Error('The crypto code is not loaded yet: await loadCrypto() first')
  return loaded
}
