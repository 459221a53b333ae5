import { linkify } from '../links.js'
import { searchable } from '../../../src/store/store.js'

/**
 * A message's text as text nodes and safe anchors (never HTML). `highlight` marks where a search
 * query occurs; `links: false` renders links as plain text (inside another link, for example).
 */
export function MessageText ({ text, highlight, links = true }: { text: string, highlight?: string, links?: boolean }) {
  if (!links) return <>{marked(text, highlight)}</>
  return (
    <>
      {linkify(text).map((part, i) => part.kind === 'link'
        ? <a key={i} href={part.href} target='_blank' rel='noopener noreferrer'>{marked(part.text, highlight)}</a>
        : <span key={i}>{marked(part.text, highlight)}</span>)}
    </>
  )
}

function marked (text: string, query: string | undefined) {
  const needle = query === undefined ? '' : searchable(query.trim())
  if (needle === '') return text
  // `searchable` keeps one character per character for most text; fall back to no marks when not.
  const haystack = searchable(text)
  if (haystack.length !== text.length) return text
  const out = []
  let from = 0
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    if (at > from) out.push(text.slice(from, at))
    out.push(<mark key={at}>{text.slice(at, at + needle.length)}</mark>)
    from = at + needle.length
  }
  if (from < text.length) out.push(text.slice(from))
  return out
}
