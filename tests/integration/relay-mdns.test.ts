/**
 * Relays on one LAN find each other by mDNS and list each other in /relay.json, so the app can
 * use several.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'

interface Listed { peerId: string, multiaddrs: string[], source: string }

describe('two relays with --mdns', () => {
  let a: RelayProcess
  let b: RelayProcess

  beforeAll(async () => {
    [a, b] = await Promise.all([startRelayProcess(['--mdns']), startRelayProcess(['--mdns'])])
  })

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
  })

  it('list each other in /relay.json with their WebSocket addresses', async () => {
    const listed = async (relay: RelayProcess): Promise<Listed[]> =>
      (await (await fetch(new URL('/relay.json', relay.httpUrl))).json()).relays
    const deadline = Date.now() + 20_000
    let seenByA: Listed[] = []
    let seenByB: Listed[] = []
    while (Date.now() < deadline) {
      [seenByA, seenByB] = await Promise.all([listed(a), listed(b)])
      if (seenByA.length > 0 && seenByB.length > 0) break
      await new Promise(resolve => setTimeout(resolve, 250))
    }
    expect(seenByA.map(r => r.peerId)).toEqual([b.peerId])
    expect(seenByB.map(r => r.peerId)).toEqual([a.peerId])
    expect(seenByA[0].source).toBe('mdns')
    expect(seenByA[0].multiaddrs).toEqual(expect.arrayContaining([...b.multiaddrs, ...b.secureMultiaddrs]))
    expect(a.logs.some(l => l.event === 'relay.discovered' && l.peerId === b.peerId)).toBe(true)
  }, 30_000)

  it('lists a relay given with --peer-relay', async () => {
    const c = await startRelayProcess(['--peer-relay', a.multiaddrs[0]])
    try {
      const info = await (await fetch(new URL('/relay.json', c.httpUrl))).json()
      expect(info.relays).toEqual([{ peerId: a.peerId, multiaddrs: [a.multiaddrs[0]], source: 'configured' }])
    } finally {
      await c.stop()
    }
  })
})
