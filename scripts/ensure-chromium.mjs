/**
 * Debian's Chromium, which the end-to-end tests and the benchmark's browser measurements drive.
 * It is a system package, not an npm one: `npm test` and `npm run bench` install it when it is
 * missing and they run as root, and otherwise say how.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const INSTALL_CHROMIUM = 'apt-get update && apt-get install -y chromium'

/**
 * Installs Chromium if it is missing (about a minute). Returns undefined when it is there, else
 * why it is not (not root, or the install failed).
 */
export function ensureChromium () {
  if (existsSync(CHROMIUM_PATH)) return undefined
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  if (!root) return `Chromium is missing. Install it (as root) with:\n  ${INSTALL_CHROMIUM}`
  console.log(`Chromium is missing; installing it: ${INSTALL_CHROMIUM}`)
  try {
    execFileSync('sh', ['-c', `export DEBIAN_FRONTEND=noninteractive; ${INSTALL_CHROMIUM}`], { stdio: 'inherit' })
  } catch (err) {
    return `Installing Chromium failed (${err.message.split('\n')[0]}). Install it (as root) with:\n  ${INSTALL_CHROMIUM}`
  }
  return existsSync(CHROMIUM_PATH) ? undefined : `Chromium is still not at ${CHROMIUM_PATH} after installing it`
}
