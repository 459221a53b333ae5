/**
 * The relay over HTTPS: it serves the app and /relay.json with a certificate it generated and
 * keeps, prints that certificate's fingerprint, and keeps its identity across restarts.
 */
import { readFile } from 'node:fs/promises'
import { get } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpsGet, presentedCertificate } from '../helpers/http-requests.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { APP_MARKER, makeWebRoot } from '../helpers/web-root.js'

describe('the relay over HTTPS', () => {
  let relay: RelayProcess
  let ca: string

  beforeAll(async () => {
    relay = await startRelayProcess(['--web-root', await makeWebRoot()])
    ca = await readFile(join(relay.dataDir, 'tls-cert.pem'), 'utf8')
  })

  afterAll(async () => {
    await relay?.stop()
  })

  it('generates a certificate on first start and prints its SHA-256 fingerprint', async () => {
    expect(relay.tls?.source).toBe('generated')
    expect(relay.tls?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(relay.output.join('\n')).toContain(relay.tls!.fingerprint256)
    expect(relay.logs.some(l => l.event === 'tls.certificate_generated')).toBe(true)
    const presented = await presentedCertificate('127.0.0.1', relay.ports.https!)
    expect(presented.fingerprint256).toBe(relay.tls!.fingerprint256)
  })

  it('covers localhost and 127.0.0.1 so a browser on this machine can accept it', async () => {
    const presented = await presentedCertificate('127.0.0.1', relay.ports.https!)
    expect(presented.subjectaltname).toContain('DNS:localhost')
    expect(presented.subjectaltname).toContain('IP Address:127.0.0.1')
  })

  it('serves the app over HTTPS', async () => {
    const page = await httpsGet(`https://localhost:${relay.ports.https!}/`, ca)
    expect(page.status).toBe(200)
    expect(page.body).toContain(APP_MARKER)
    const deepLink = await httpsGet(`https://127.0.0.1:${relay.ports.https!}/room/whatever`, ca)
    expect(deepLink.body).toContain(APP_MARKER)
  })

  it('serves the app for a path with a doubled slash, as a link with a stray slash has', async () => {
    const page = await new Promise<{ status: number, body: string }>((resolve, reject) => {
      get({ host: '127.0.0.1', port: relay.ports.http, path: '//' }, res => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', chunk => { body += chunk })
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
      }).on('error', reject)
    })
    expect(page.status).toBe(200)
    expect(page.body).toContain(APP_MARKER)
  })

  it('tells the app both the ws and the wss port in /relay.json, over HTTP and HTTPS', async () => {
    const info = JSON.parse((await httpsGet(`https://localhost:${relay.ports.https!}/relay.json`, ca)).body)
    expect(info.peerId).toBe(relay.peerId)
    expect(info.wsPort).toBe(relay.ports.ws)
    expect(info.wssPort).toBe(relay.ports.wss)
    expect(info.multiaddrs).toContain(`/ip4/127.0.0.1/tcp/${relay.ports.wss!}/tls/ws/p2p/${relay.peerId}`)
    expect(info.relays).toEqual([])
    const plain = await (await fetch(new URL('/relay.json', relay.httpUrl))).json()
    expect(plain.wssPort).toBe(relay.ports.wss)
  })

  it('keeps its peer id, certificate and ports when restarted on the same data dir', async () => {
    const before = relay
    relay = await before.restart()
    expect(relay.peerId).toBe(before.peerId)
    expect(relay.ports).toEqual(before.ports)
    expect(relay.tls?.source).toBe('reused')
    expect(relay.tls?.fingerprint256).toBe(before.tls?.fingerprint256)
    expect(relay.output.join('\n')).toContain(before.tls!.fingerprint256)
    expect(relay.logs.some(l => l.event === 'tls.certificate_generated')).toBe(false)
    const presented = await presentedCertificate('127.0.0.1', relay.ports.https!)
    expect(presented.fingerprint256).toBe(before.tls?.fingerprint256)
    const info = JSON.parse((await httpsGet(`https://localhost:${relay.ports.https!}/relay.json`, ca)).body)
    expect(info.peerId).toBe(before.peerId)
  })

  it('logs its shutdown on SIGTERM and exits cleanly', async () => {
    const exited = new Promise<number | null>(resolve => relay.process.once('exit', code => { resolve(code) }))
    await relay.stop()
    expect(await exited).toBe(0)
    expect(relay.logs.map(l => l.event)).toEqual(expect.arrayContaining(['relay.stopping', 'relay.stopped']))
  })
})
