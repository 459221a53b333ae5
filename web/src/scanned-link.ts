import { parse } from './routes.js'

/**
 * The fragment to open for a scanned link: a room invitation's or a contact link's, from whichever
 * address served the app that made it (the code is all that matters); undefined for anything else.
 */
export function scannedLinkHash (text: string): string | undefined {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return undefined
  }
  const to = parse(url.hash)
  return (to.name === 'home' && to.invitedCode !== null) || (to.name === 'contacts' && to.card !== null) ? url.hash : undefined
}
