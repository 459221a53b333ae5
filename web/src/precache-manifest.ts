/**
 * Builds the service worker's precache list from the files of a build (run by the Vite plugin in
 * `vite.config.ts`, in Node). Each file's content goes into the version, so any change to any
 * file gives a new version, a new cache, and a worker update.
 */
import { createHash } from 'node:crypto'
import type { PrecacheManifest } from './sw-policy.js'
import { NEVER_CACHED } from './sw-policy.js'

export interface BuiltFile {
  /** Path relative to the output folder, with forward slashes (`assets/index-1a2b.js`). */
  fileName: string
  content: string | Uint8Array
}

/** The worker's own file: the browser fetches it itself, it is not part of the cache. */
export const SERVICE_WORKER_FILE = 'sw.js'

/** Files that are never precached: the worker, source maps, and the relay's live endpoints. */
export function isPrecached (fileName: string): boolean {
  if (fileName === SERVICE_WORKER_FILE || fileName.endsWith('.map')) return false
  return !NEVER_CACHED.has(`/${fileName}`)
}

/** The sorted list of shell URLs and a version hash over every file's path and content. */
export function precacheManifest (files: BuiltFile[]): PrecacheManifest {
  const entries = files
    .filter(f => isPrecached(f.fileName))
    .map(f => ({ url: `/${f.fileName.replace(/\\/g, '/')}`, hash: createHash('sha256').update(f.content).digest('hex') }))
    .sort((a, b) => a.url < b.url ? -1 : a.url > b.url ? 1 : 0)
  if (!entries.some(e => e.url === '/index.html')) throw new Error('The build has no index.html to precache')
  const version = createHash('sha256')
  for (const e of entries) version.update(`${e.url}\0${e.hash}\n`)
  return { version: version.digest('hex').slice(0, 16), urls: entries.map(e => e.url) }
}

/** Where the build puts the manifest into the worker's code. */
export const MANIFEST_PLACEHOLDER = '__MESHCHAT_PRECACHE__'

/** Replaces the quoted placeholder in the worker's built code with the manifest, as a JSON string. */
export function injectManifest (code: string, manifest: PrecacheManifest): string {
  const pattern = new RegExp(`(["'\`])${MANIFEST_PLACEHOLDER}\\1`, 'g')
  const found = code.match(pattern)?.length ?? 0
  if (found !== 1) throw new Error(`expected the service worker to hold ${MANIFEST_PLACEHOLDER} once, found it ${found} times`)
  return code.replace(pattern, () => JSON.stringify(JSON.stringify(manifest)))
}
