/**
 * Contacts between real Node peers over real WebRTC through a real relay: a request through a
 * contact link, its acceptance, and a direct room nobody else can derive or read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { contactLink, parseContactLink } from '../../src/contacts/contact-link.js'
import { directRoomCode } from '../../src/contacts/direct-code.js'
import type { Room } from '../../src/room/room.js'
import { roomCodeFromSecret } from '../../src/room/room-code.js'
import type { ContactSignal } from '../../src/room/room.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { sleep, startNodePeer, waitFor } from '../helpers/node-peer.js'
import type { NodePeer } from '../helpers/node-peer.js'

async function stateOf (peer: NodePeer, key: string): Promise<string | undefined> {
  return (await (await peer.client.loadContacts()).get(key))?.state
}

/** Polls an async condition until it holds (30 s at most). */
async function until (check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${what}`)
    await sleep(100)
  }
}

describe('contacts over WebRTC through a real relay', () => {
  let relay: RelayProcess
  let ada: NodePeer
  let ben: NodePeer
  let cleo: NodePeer

  beforeAll(async () => {
    relay = await startRelayProcess()
    ada = await startNodePeer('Ada', relay.multiaddrs)
    ben = await startNodePeer('Ben', relay.multiaddrs)
    cleo = await startNodePeer('Cleo', relay.multiaddrs)
    for (const peer of [ada, ben, cleo]) await (await peer.client.loadContacts()).start()
  }, 60_000)

  afterAll(async () => {
    await Promise.all([ada, ben, cleo].filter(p => p !== undefined).map(async p => { await p.stop() }))
    await relay?.stop()
  })

  it('a request through a link is accepted, and a direct message goes both ways', async () => {
    const adaKey = bytesToHex(ada.client.identity.publicKey)
    const benKey = bytesToHex(ben.client.identity.publicKey)
    const link = contactLink('https://relay.local/', await (await ben.client.loadContacts()).card())
    // Cleo holds Ben's link too: she sits in his inbox and must learn nothing from it.
    const cleoSaw: ContactSignal[] = []
    const cleoInbox = await cleo.client.joinRoom(roomCodeFromSecret(parseContactLink(link).inbox).display)
    cleoInbox.on('contact', s => { cleoSaw.push(s) })

    await (await ada.client.loadContacts()).request(parseContactLink(link))
    await waitFor(() => cleoSaw.length > 0, 30_000, () => 'the sealed request passes through the inbox')
    await until(async () => await stateOf(ben, adaKey) === 'incoming', 'Ben sees the request')
    expect(await (await cleo.client.loadContacts()).receive(cleoInbox.id, cleoSaw[0])).toBe('not-for-us')
    expect(await (await cleo.client.loadContacts()).all()).toEqual([])

    await (await ben.client.loadContacts()).accept(adaKey)
    await until(async () => await stateOf(ada, benKey) === 'accepted', 'Ada sees the acceptance')

    const adaRoom = await (await ada.client.loadContacts()).openDirect(benKey)
    const benRoom = await (await ben.client.loadContacts()).openDirect(adaKey)
    expect(adaRoom.id).toBe(benRoom.id)
    const received = new Map<Room, string[]>([[adaRoom, []], [benRoom, []]])
    for (const [room, list] of received) room.on('message', m => { if (m.state === 'received') list.push(m.text) })
    await adaRoom.send('hello Ben, directly')
    await benRoom.send('hello Ada, directly')
    await waitFor(() => received.get(benRoom)!.includes('hello Ben, directly') && received.get(adaRoom)!.includes('hello Ada, directly'),
      30_000, () => `Ben has ${received.get(benRoom)!.join('|')}; Ada has ${received.get(adaRoom)!.join('|')}`)
  }, 120_000)

  it('a third peer cannot derive the direct room, and reads nothing from the rooms it can derive', async () => {
    const ids = [ada, ben].map(p => p.client.identity)
    const real = directRoomCode(ids[0].secretKey, ids[0].publicKey, ids[1].publicKey)
    const cleoId = cleo.client.identity
    const guesses = [
      directRoomCode(cleoId.secretKey, cleoId.publicKey, ids[0].publicKey),
      directRoomCode(cleoId.secretKey, cleoId.publicKey, ids[1].publicKey),
      directRoomCode(cleoId.secretKey, ids[0].publicKey, ids[1].publicKey)
    ]
    for (const guess of guesses) expect(guess.display).not.toBe(real.display)
    const cleoRooms = await Promise.all(guesses.map(async g => await cleo.client.joinRoom(g.display)))
    const texts: string[] = []
    for (const room of cleoRooms) room.on('message', m => { texts.push(m.text) })
    const adaRoom = await (await ada.client.loadContacts()).openDirect(bytesToHex(ids[1].publicKey))
    await adaRoom.send('only for Ben')
    await sleep(3_000) // a leak would arrive in this window
    expect(texts).toEqual([])
    expect(cleoRooms.every(r => r.peerCount === 0)).toBe(true)
  }, 60_000)
})
