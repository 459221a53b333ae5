/**
 * The relay's HTTP side over a real socket: the app's files and nothing beside them, the single
 * page's fallback, caching, the live endpoints, and the headers every answer carries.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, createHttpServer } from '../../relay/http-server.js'
import { rawHttp } from '../helpers/http-requests.js'
import type { RawResponse } from '../helpers/http-requests.js'

describe('relay HTTP server', () => {
  let dir: string
  let server: Server
  let port: number

  const get = async (path: string, method = 'GET'): Promise<RawResponse> => await rawHttp(port, path, method)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshchat-http-'))
    const web = join(dir, 'web')
    mkdirSync(join(web, 'assets'), { recursive: true })
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>app</title>')
    writeFileSync(join(web, 'assets', 'index-abc123.js'), 'export {}')
    writeFileSync(join(dir, 'secret.txt'), 'outside the web root')
    server = createHttpServer({
      webRoot: web,
      relayInfo: () => ({ addrs: ['/ip4/127.0.0.1/tcp/1/ws'] }),
      health: () => ({ ok: true }),
      metrics: () => 'meshchat_relay_connections 0\n'
    })
    await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
    port = (server.address() as AddressInfo).port
  })

  afterAll(async () => {
    await new Promise(resolve => { server.close(resolve) })
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves the shell with the content security policy, revalidated on every load', async () => {
    const answer = await get('/')
    expect(answer.status).toBe(200)
    expect(answer.body).toContain('<title>app</title>')
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(answer.headers['cache-control']).toBe('no-cache')
    expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'")
    expect(answer.headers['x-content-type-options']).toBe('nosniff')
    expect(answer.headers['referrer-policy']).toBe('no-referrer')
    expect(answer.headers['permissions-policy']).toBe('camera=(self), microphone=(), geolocation=(), payment=(), usb=()')
  })

  it('lets hashed assets be cached for good', async () => {
    const answer = await get('/assets/index-abc123.js')
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  it('answers any page of the app with the shell, and a missing file with 404', async () => {
    expect((await get('/rooms/anything')).body).toContain('<title>app</title>')
    expect((await get('/assets/gone-000.js')).status).toBe(404)
  })

  it('serves nothing outside its folder, however the path is written', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
      const answer = await get(path)
      expect(answer.body, path).not.toContain('outside the web root')
      expect([403, 404], path).toContain(answer.status)
    }
    // Escaped slashes survive URL parsing, so this one reaches the folder check itself.
    expect((await get('/assets/..%2f..%2fsecret.txt')).status).toBe(403)
  })

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('/', 'POST')).status).toBe(405)
    const head = await get('/', 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
  })

  it('answers the live endpoints fresh, never from a cache', async () => {
    const info = await get('/relay.json')
    expect(JSON.parse(info.body)).toEqual({ addrs: ['/ip4/127.0.0.1/tcp/1/ws'] })
    expect(info.headers['cache-control']).toBe('no-store')
    expect(JSON.parse((await get('/health')).body)).toEqual({ ok: true })
    const metrics = await get('/metrics')
    expect(metrics.body).toBe('meshchat_relay_connections 0\n')
    expect(metrics.headers['cache-control']).toBe('no-store')
  })
})
