/**
 * Headless Chromium through playwright-core. Chromium is Debian's package; `npm test` and
 * `npm run bench` install it when missing (scripts/ensure-chromium.mjs).
 */
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext } from 'playwright-core'
import { CHROMIUM_PATH, INSTALL_CHROMIUM } from '../../scripts/ensure-chromium.mjs'

/** Flags that keep Chromium quiet on a closed network. */
const QUIET_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

/** `extraArgs` are added to the quiet defaults (e.g. a certificate to trust). */
export async function launchBrowser (extraArgs: string[] = []): Promise<Browser> {
  return await chromium.launch({ executablePath: installedChromium(), headless: true, args: [...QUIET_ARGS, ...extraArgs] })
}

/**
 * A browser with its profile on disk in `userDataDir`, as a person's browser has: what it keeps
 * (IndexedDB, service workers, the HTTP cache and the compiled-code cache) outlives a page. The
 * contexts `launchBrowser` makes keep all of that in memory, like a private window.
 */
export async function launchProfile (userDataDir: string, options: { viewport?: { width: number, height: number } } = {}): Promise<BrowserContext> {
  return await chromium.launchPersistentContext(userDataDir, { executablePath: installedChromium(), headless: true, args: QUIET_ARGS, ...options })
}

function installedChromium (): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}. Install it with: ${INSTALL_CHROMIUM}`)
  }
  return CHROMIUM_PATH
}
