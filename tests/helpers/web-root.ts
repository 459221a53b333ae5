/**
 * A minimal built app in a temporary folder, so relay tests do not depend on `npm run build`.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const APP_MARKER = '<title>Meshchat test app</title>'

export async function makeWebRoot (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meshchat-web-'))
  await writeFile(join(dir, 'index.html'), `<!doctype html><html><head>${APP_MARKER}</head><body></body></html>\n`)
  return dir
}
