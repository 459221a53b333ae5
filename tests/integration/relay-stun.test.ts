/**
 * The relay tells the app which STUN servers its WebRTC may use: none unless the operator names
 * some with --stun (members on one network need none, and a public server would learn who talks
 * to whom).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'

describe('STUN servers in /relay.json', () => {
  const relays: RelayProcess[] = []

  afterAll(async () => {
    await Promise.all(relays.map(async r => { await r.stop() }))
  })

  const stunServersOf = async (relay: RelayProcess): Promise<unknown> =>
    (await (await fetch(new URL('/relay.json', relay.httpUrl))).json()).stunServers

  it('lists none by default', async () => {
    const relay = await startRelayProcess(['--no-tls'])
    relays.push(relay)
    expect(await stunServersOf(relay)).toEqual([])
  })

  it('lists the ones the operator names', async () => {
    const relay = await startRelayProcess(['--no-tls', '--stun', 'stun:stun.example.org:3478', '--stun', 'stun:10.0.0.1'])
    relays.push(relay)
    expect(await stunServersOf(relay)).toEqual(['stun:stun.example.org:3478', 'stun:10.0.0.1'])
  })

  it('refuses to start with something that is not a STUN URL', async () => {
    await expect(startRelayProcess(['--no-tls', '--stun', 'https://stun.example.org'])).rejects.toThrow()
  })
})
