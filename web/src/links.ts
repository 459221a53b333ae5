/**
 * Finds links in message text, for rendering as anchors. Pure: the text is split into parts the
 * UI renders as text nodes and anchors, never as HTML. Only http, https and mailto become links;
 * anything else (javascript:, data:, …) stays text.
 */

export type TextPart =
  | { readonly kind: 'text', readonly text: string }
  | { readonly kind: 'link', readonly text: string, readonly href: string }

const CANDIDATE = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"]+/gi
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])
/** Punctuation that ends a sentence rather than a link. */
const TRAILING = /[.,;:!?'"…]+$/

/** Splits `text` into plain parts and safe links, in order; joining the parts' text gives `text` back. */
export function linkify (text: string): TextPart[] {
  const parts: TextPart[] = []
  let plainStart = 0
  for (const match of text.matchAll(CANDIDATE)) {
    const raw = trimLink(match[0])
    const href = safeHref(raw)
    if (href === null) continue
    const start = match.index
    if (start > plainStart) parts.push({ kind: 'text', text: text.slice(plainStart, start) })
    parts.push({ kind: 'link', text: raw, href })
    plainStart = start + raw.length
  }
  if (plainStart < text.length) parts.push({ kind: 'text', text: text.slice(plainStart) })
  return parts
}

/** The URL a link's text points to, or null when it is not a safe http(s) or mailto URL. */
export function safeHref (raw: string): string | null {
  const withScheme = /^www\./i.test(raw) ? `https://${raw}` : raw
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return null
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return null
  if (url.protocol === 'mailto:') return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(decodeURIComponent(url.pathname)) ? url.href : null
  return url.hostname.includes('.') || url.hostname === 'localhost' ? url.href : null
}

/** Drops trailing punctuation and a closing bracket that has no opening one inside the link. */
function trimLink (raw: string): string {
  let link = raw
  for (;;) {
    const before = link
    link = link.replace(TRAILING, '')
    for (const [open, close] of [['(', ')'], ['[', ']']]) {
      if (link.endsWith(close) && count(link, open) < count(link, close)) link = link.slice(0, -1)
    }
    if (link === before) return link
  }
}

function count (text: string, char: string): number {
  return text.split(char).length - 1
}
