import { describe, expect, it } from 'vitest'
import { injectManifest, precacheManifest } from '../../web/src/precache-manifest.js'
import { requestPolicy } from '../../web/src/sw-policy.js'

const build = (overrides: Record<string, string> = {}) => Object.entries({
  'index.html': '<!doctype html>',
  'assets/index-abc.js': 'console.log(1)',
  'assets/index-def.css': 'body{}',
  'sw.js': 'worker',
  'assets/index-abc.js.map': '{}',
  'icons/icon-192.png': 'png',
  'manifest.webmanifest': '{}',
  ...overrides
}).map(([fileName, content]) => ({ fileName, content }))

describe('precacheManifest', () => {
  it('lists every file of the build but the worker and source maps, sorted', () => {
    expect(precacheManifest(build()).urls).toEqual([
      '/assets/index-abc.js', '/assets/index-def.css', '/icons/icon-192.png', '/index.html', '/manifest.webmanifest'
    ])
  })

  it('gives the same version for the same files in any order', () => {
    expect(precacheManifest(build().reverse()).version).toBe(precacheManifest(build()).version)
  })

  it('gives a new version when any file changes, even one whose name does not', () => {
    const before = precacheManifest(build()).version
    expect(precacheManifest(build({ 'index.html': '<!doctype html><p>' })).version).not.toBe(before)
    expect(precacheManifest(build({ 'icons/icon-192.png': 'other png' })).version).not.toBe(before)
    expect(precacheManifest(build({ 'sw.js': 'other worker' })).version).toBe(before)
  })

  it('never lists the relay\'s live endpoints', () => {
    const urls = precacheManifest([...build(), { fileName: 'relay.json', content: '{}' }, { fileName: 'health', content: '' }]).urls
    expect(urls).not.toContain('/relay.json')
    expect(urls).not.toContain('/health')
  })

  it('refuses a build without index.html', () => {
    expect(() => precacheManifest(build().filter(f => f.fileName !== 'index.html'))).toThrow(/index\.html/)
  })
})

describe('injectManifest', () => {
  const manifest = { version: 'v1', urls: ['/index.html', '/assets/a"b.js'] }

  it('puts the manifest in place of the placeholder, in any quotes', () => {
    for (const quote of ['"', "'", '`']) {
      const code = injectManifest(`const m=JSON.parse(${quote}__MESHCHAT_PRECACHE__${quote});`, manifest)
      // eslint-disable-next-line no-new-func
      expect(new Function(`${code} return m`)()).toEqual(manifest)
    }
  })

  it('fails when the placeholder is missing', () => {
    expect(() => injectManifest('const m = {}', manifest)).toThrow(/found it 0 times/)
  })
})

describe('requestPolicy', () => {
  const origin = 'https://chat.example:8443'
  const precached = new Set(['/index.html', '/icons/icon-192.png'])
  const policy = (url: string, mode = 'cors', method = 'GET') => requestPolicy({ url: `${url.startsWith('http') ? '' : origin}${url}`, mode, method }, origin, precached)

  it('serves hashed assets and precached files cache first', () => {
    expect(policy('/assets/network-123.js')).toBe('cache-first')
    expect(policy('/icons/icon-192.png', 'no-cors')).toBe('cache-first')
  })

  it('answers navigations from the network first, with the shell as fallback', () => {
    expect(policy('/', 'navigate')).toBe('navigation')
    expect(policy('/anything?x=1', 'navigate')).toBe('navigation')
  })

  it('never touches the relay\'s live endpoints, even when navigated to', () => {
    for (const path of ['/relay.json', '/health', '/metrics']) {
      expect(policy(path)).toBe('pass')
      expect(policy(path, 'navigate')).toBe('pass')
    }
  })

  it('leaves other origins, other methods and unknown files to the network', () => {
    expect(policy('https://other.example/assets/x.js')).toBe('pass')
    expect(policy('/assets/x.js', 'cors', 'POST')).toBe('pass')
    expect(policy('/unknown.txt')).toBe('pass')
  })
})
