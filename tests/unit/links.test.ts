import { describe, expect, it } from 'vitest'
import { linkify, safeHref } from '../../web/src/links.js'

const joined = (text: string): string => linkify(text).map(p => p.text).join('')
const links = (text: string): string[] => linkify(text).flatMap(p => p.kind === 'link' ? [p.href] : [])

describe('linkify', () => {
  it('keeps plain text as one text part', () => {
    expect(linkify('hello there')).toEqual([{ kind: 'text', text: 'hello there' }])
    expect(linkify('')).toEqual([])
  })

  it('finds http, https and mailto links between text', () => {
    expect(linkify('see https://example.com/a?b=1 now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ' now' }
    ])
    expect(links('http://example.org and mailto:ann@example.com')).toEqual(['http://example.org/', 'mailto:ann@example.com'])
  })

  it('links www. addresses over https', () => {
    expect(links('go to www.example.com.')).toEqual(['https://www.example.com/'])
  })

  it('leaves sentence punctuation and unmatched brackets out of the link', () => {
    expect(links('Look: https://example.com/page. Then')).toEqual(['https://example.com/page'])
    expect(links('(see https://example.com/x)')).toEqual(['https://example.com/x'])
    expect(links('https://en.wikipedia.org/wiki/Pi_(letter)!')).toEqual(['https://en.wikipedia.org/wiki/Pi_(letter)'])
    expect(links('"https://example.com/q"')).toEqual(['https://example.com/q'])
  })

  it('never links other schemes, and gives back the exact text', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', 'file:///etc/passwd', 'JaVaScRiPt:alert(1)']) {
      expect(links(text)).toEqual([])
      expect(joined(text)).toBe(text)
    }
  })

  it('does not let markup or quotes into a link', () => {
    const text = 'https://example.com/"><img src=x onerror=alert(1)>'
    expect(links(text)).toEqual(['https://example.com/'])
    expect(joined(text)).toBe(text)
  })

  it('joins back to the original text whatever the input', () => {
    for (const text of ['a https://x.io b https://y.io', 'https://a.io,https://b.io', 'mailto:', 'www.', 'x https:// y', '😀 https://例え.jp/パス']) {
      expect(joined(text)).toBe(text)
    }
  })
})

describe('safeHref', () => {
  it('accepts only http, https and mailto with a plausible host or address', () => {
    expect(safeHref('https://example.com')).toBe('https://example.com/')
    expect(safeHref('http://localhost:8080/x')).toBe('http://localhost:8080/x')
    expect(safeHref('mailto:bob@example.com')).toBe('mailto:bob@example.com')
    expect(safeHref('mailto:nobody')).toBeNull()
    expect(safeHref('https://intranet')).toBeNull()
    expect(safeHref('javascript:alert(1)')).toBeNull()
    expect(safeHref('not a url')).toBeNull()
  })
})
