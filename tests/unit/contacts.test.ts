import { afterEach, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { Client } from '../../src/client/client.js'
import { contactLink, parseContactLink } from '../../src/contacts/contact-link.js'
import type { Contacts } from '../../src/contacts/contacts.js'
import type { ContactSignal, Room } from '../../src/room/room.js'
import { directRoomCode, safetyCode } from '../../src/contacts/direct-code.js'
import { createIdentity } from '../../src/identity/identity.js'
import { MemoryNetwork } from '../../src/net/memory-network.js'
import { Kind } from '../../src/protocol/bodies.js'
import {
  decodeContactReply, decodeContactRequest, decodeSealedContactBody, encodeContactReply, encodeContactRequest
} from '../../src/protocol/contact-bodies.js'
import { roomIdOf } from '../../src/crypto/room-keys.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { lockIdentity, restoreIdentity } from '../../src/client/identity-vault.js'
import { MAX_BACKUP_CONTACTS, openBackup } from '../../src/identity/backup.js'
import { generateRoomCode } from '../../src/room/room-code.js'
import { catchError } from './catch-error.js'
import { plainFrame, waitFor } from './room-harness.js'
import { signMessage } from '../../src/protocol/envelope.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

const id16 = new Uint8Array(16).fill(7)
/** Cheap scrypt parameters for backups and the lock, so the tests stay fast. */
const FAST_KDF = { logN: 10, r: 8, p: 1 }

describe('direct room codes', () => {
  it('are the same on both sides and different for a third key', () => {
    const a = createIdentity()
    const b = createIdentity()
    const c = createIdentity()
    const ab = directRoomCode(a.secretKey, a.publicKey, b.publicKey)
    const ba = directRoomCode(b.secretKey, b.publicKey, a.publicKey)
    expect(ab.display).toBe(ba.display)
    expect(directRoomCode(c.secretKey, c.publicKey, a.publicKey).display).not.toBe(ab.display)
    expect(directRoomCode(c.secretKey, c.publicKey, b.publicKey).display).not.toBe(ab.display)
    expect(directRoomCode(a.secretKey, a.publicKey, c.publicKey).display).not.toBe(ab.display)
  })

  it('cannot be derived from the two public keys alone: a third secret key gives another code', () => {
    const a = createIdentity()
    const b = createIdentity()
    const impostor = createIdentity()
    // Someone who knows both public keys but holds neither secret key, claiming to be `a`.
    const guess = directRoomCode(impostor.secretKey, a.publicKey, b.publicKey)
    expect(guess.display).not.toBe(directRoomCode(b.secretKey, b.publicKey, a.publicKey).display)
  })

  it('refuses a direct room with oneself', () => {
    const a = createIdentity()
    expect(catchError(() => directRoomCode(a.secretKey, a.publicKey, a.publicKey))).toBeInstanceOf(RangeError)
  })
})

describe('safety codes', () => {
  it('are sixty digits in groups of five, the same for both people, and change with either key', () => {
    const a = createIdentity().publicKey
    const b = createIdentity().publicKey
    const code = safetyCode(a, b)
    expect(code).toMatch(/^(\d{5} ){11}\d{5}$/)
    expect(safetyCode(b, a)).toBe(code)
    expect(safetyCode(a, createIdentity().publicKey)).not.toBe(code)
    expect(safetyCode(createIdentity().publicKey, b)).not.toBe(code)
  })

  it('reject keys of the wrong length', () => {
    expect(catchError(() => safetyCode(new Uint8Array(31), new Uint8Array(32)))).toBeInstanceOf(RangeError)
  })
})

describe('contact request and reply bodies', () => {
  it('round-trip', () => {
    expect(decodeContactRequest(encodeContactRequest({ requestId: id16, name: 'Ada' }))).toEqual({ requestId: id16, name: 'Ada' })
    expect(decodeContactReply(encodeContactReply({ requestId: id16, decision: 'decline' }))).toEqual({ requestId: id16, decision: 'decline' })
    expect(decodeContactReply(encodeContactReply({ requestId: id16, decision: 'accept' })).decision).toBe('accept')
  })

  it('reject bad input with a named error', () => {
    const request = encodeContactRequest({ requestId: id16, name: 'Ada' })
    expect(catchError(() => decodeContactRequest(request.subarray(0, 10))).name).toBe('MalformedError')
    expect(catchError(() => decodeContactRequest(Uint8Array.of(2, ...request.subarray(1)))).name).toBe('UnsupportedVersionError')
    expect(catchError(() => decodeContactRequest(Uint8Array.of(...request, 0x41))).name).toBe('MalformedError')
    expect(catchError(() => decodeContactRequest(Uint8Array.of(...request.subarray(0, 17), 2, 0xff, 0xfe))).name).toBe('MalformedError')
    expect(catchError(() => decodeContactRequest(Uint8Array.of(...request.subarray(0, 17), 0))).name).toBe('MalformedError')
    expect(catchError(() => decodeContactRequest(Uint8Array.of(...request.subarray(0, 17), 1, 0x20))).name).toBe('MalformedError')
    const reply = encodeContactReply({ requestId: id16, decision: 'accept' })
    expect(catchError(() => decodeContactReply(Uint8Array.of(...reply.subarray(0, 17), 3))).name).toBe('MalformedError')
    expect(catchError(() => decodeContactReply(Uint8Array.of(...reply, 1))).name).toBe('MalformedError')
    expect(catchError(() => decodeSealedContactBody(new Uint8Array(40))).name).toBe('MalformedError')
    expect(catchError(() => decodeSealedContactBody(new Uint8Array(32 + 200))).name).toBe('TooLargeError')
    expect(catchError(() => encodeContactRequest({ requestId: new Uint8Array(3), name: 'Ada' }))).toBeInstanceOf(RangeError)
    expect(catchError(() => encodeContactRequest({ requestId: id16, name: 'x'.repeat(65) }))).toBeInstanceOf(RangeError)
  })
})

describe('contact links', () => {
  it('round-trip through a URL fragment, with any name', () => {
    const card = { key: bytesToHex(createIdentity().publicKey), inbox: 'ABCDEFGHJKMNPQRSTVWXYZ0123', name: 'Zoë #1 & co.' }
    const link = contactLink('https://chat.example/#room=old', card)
    expect(link.startsWith('https://chat.example/#contact=1.')).toBe(true)
    expect(parseContactLink(link)).toEqual(card)
  })

  it('reject links that are not contact links, or carry a bad key, inbox or name', () => {
    const key = 'a'.repeat(64)
    const inbox = 'ABCDEFGHJKMNPQRSTVWXYZ0123'
    for (const bad of ['', '#room=abc', `2.${key}.${inbox}.Ada`, `1.${key.slice(1)}.${inbox}.Ada`, `1.${key}.SHORT.Ada`,
      `1.${key}.${inbox}.`, `1.${key}.${inbox}.%E0%A4%A`, `1.${key}.${inbox}.${'x'.repeat(70)}`]) {
      expect(catchError(() => parseContactLink(bad)).name, bad).toBe('MalformedError')
    }
  })
})

describe('contacts between clients', () => {
  let clients: Client[] = []
  /** Each client's contacts, loaded and started when the client is made. */
  const started = new Map<Client, Contacts>()
  const contactsOf = (client: Client): Contacts => started.get(client)!

  afterEach(async () => {
    for (const c of clients) await c.close()
    clients = []
    started.clear()
  })

  async function startContacts (client: Client): Promise<void> {
    const contacts = await client.loadContacts()
    await contacts.start()
    started.set(client, contacts)
    clients.push(client)
  }

  async function person (network: MemoryNetwork, name: string, membershipNotices = false): Promise<Client> {
    const client = await Client.open({ store: new MemoryStore(), membershipNotices })
    await client.setDisplayName(name)
    client.attachTransport(network.createTransport())
    await startContacts(client)
    return client
  }

  async function stateOf (client: Client, other: Client): Promise<string | undefined> {
    return (await contactsOf(client).get(bytesToHex(other.identity.publicKey)))?.state
  }

  it('a request through a contact link, accepted, opens a direct room both can write in', async () => {
    const network = new MemoryNetwork()
    const ada = await person(network, 'Ada')
    const ben = await person(network, 'Ben')
    const requests: string[] = []
    contactsOf(ben).on('request', c => { requests.push(c.name) })
    const link = contactLink('https://x/', await contactsOf(ben).card())
    await contactsOf(ada).request(parseContactLink(link))
    await waitFor(() => requests.length > 0, 'request arrives')
    expect(requests).toEqual(['Ada'])
    expect(await stateOf(ada, ben)).toBe('requested')
    expect(await stateOf(ben, ada)).toBe('incoming')
    // The inbox stays out of the room list; the pending direct room is in it.
    const adaKey = bytesToHex(ada.identity.publicKey)
    const benKey = bytesToHex(ben.identity.publicKey)
    expect((await ben.listRooms()).map(r => r.direct)).toEqual([])
    expect((await ada.listRooms()).map(r => r.direct)).toEqual([benKey])

    await contactsOf(ben).accept(adaKey)
    await waitFor(async () => await stateOf(ada, ben) === 'accepted', 'acceptance arrives')
    expect(await stateOf(ben, ada)).toBe('accepted')
    const adaRoom = await contactsOf(ada).openDirect(benKey)
    const benRoom = await contactsOf(ben).openDirect(adaKey)
    expect(adaRoom.id).toBe(benRoom.id)
    expect((await ben.listRooms()).map(r => r.direct)).toEqual([adaKey])
    // Ada no longer sits in Ben's inbox.
    expect((await contactsOf(ada).all())[0].via).toBe(await contactsOf(ben).inboxRoomId())
    await waitFor(() => adaRoom.peerCount === 1, 'Ada stays only in the direct room with Ben')

    await waitFor(async () => {
      await adaRoom.send('hello Ben').catch(() => {})
      return (await benRoom.history()).some(m => m.text === 'hello Ben')
    }, 'Ada to Ben')
    await benRoom.send('hello Ada')
    await waitFor(async () => (await adaRoom.history()).some(m => m.text === 'hello Ada'), 'Ben to Ada')
  })

  it('posts no joined or left notices in an inbox or a direct room, even where notices are on', async () => {
    const network = new MemoryNetwork()
    const ada = await person(network, 'Ada', true)
    const ben = await person(network, 'Ben', true)
    await contactsOf(ada).request(await contactsOf(ben).card())
    await waitFor(async () => await stateOf(ben, ada) === 'incoming', 'request arrives')
    await contactsOf(ben).accept(bytesToHex(ada.identity.publicKey))
    await waitFor(async () => await stateOf(ada, ben) === 'accepted', 'acceptance arrives')
    const direct = await contactsOf(ada).openDirect(bytesToHex(ben.identity.publicKey))
    await direct.send('hi')
    const inbox = await ben.openRoom(await contactsOf(ben).inboxRoomId())
    const benDirect = await contactsOf(ben).openDirect(bytesToHex(ada.identity.publicKey))
    await waitFor(async () => (await benDirect.history()).some(m => m.text === 'hi'), 'the direct message')
    expect((await inbox!.history()).filter(m => m.membership !== undefined)).toEqual([])
    expect((await benDirect.history()).filter(m => m.membership !== undefined)).toEqual([])
    expect((await direct.history()).filter(m => m.membership !== undefined)).toEqual([])
  })

  it('says a request again until it is answered, when the first one is lost on the way', async () => {
    const network = new MemoryNetwork()
    const ben = await person(network, 'Ben')
    const client = await Client.open({ store: new MemoryStore() })
    await client.setDisplayName('Ada')
    const transport = network.createTransport()
    const publish = transport.publish.bind(transport)
    let lossy = true
    transport.publish = async (topic, frame) => lossy ? 1 : await publish(topic, frame)
    client.attachTransport(transport)
    await startContacts(client)
    await contactsOf(client).request(await contactsOf(ben).card())
    await new Promise(resolve => setTimeout(resolve, 500))
    lossy = false
    expect(await stateOf(ben, client)).toBeUndefined()
    await waitFor(async () => await stateOf(ben, client) === 'incoming', 'the repeated request', 15_000)
  }, 20_000)

  it('a declined request tells the requester, and the same request is not asked again', async () => {
    const network = new MemoryNetwork()
    const ada = await person(network, 'Ada')
    const ben = await person(network, 'Ben')
    await contactsOf(ada).request(await contactsOf(ben).card())
    await waitFor(async () => await stateOf(ben, ada) === 'incoming', 'request arrives')
    await contactsOf(ben).decline(bytesToHex(ada.identity.publicKey))
    await waitFor(async () => await stateOf(ada, ben) === 'declined', 'refusal arrives')
    expect(await stateOf(ben, ada)).toBe('declined')
  })

  it('a request from a room member reaches them in that room, and only them', async () => {
    const network = new MemoryNetwork()
    const ada = await person(network, 'Ada')
    const ben = await person(network, 'Ben')
    const cleo = await person(network, 'Cleo')
    const room = await ada.createRoom()
    await ben.joinRoom(room.code.display)
    await cleo.joinRoom(room.code.display)
    await waitFor(() => room.peerCount === 2, 'room connected')
    await contactsOf(ada).request({ key: bytesToHex(ben.identity.publicKey), name: 'Ben' }, room.id)
    await waitFor(async () => await stateOf(ben, ada) === 'incoming', 'request arrives')
    expect(await contactsOf(cleo).all()).toEqual([])
    expect((await contactsOf(ben).all())[0].via).toBe(room.id)
  })

  it('ignores requests from a blocked key, and warns about a name that belongs to another contact', async () => {
    const network = new MemoryNetwork()
    const ada = await person(network, 'Ada')
    const ben = await person(network, 'Ben')
    const mallory = await person(network, 'Mallory')
    const benKey = bytesToHex(ben.identity.publicKey)
    const signals: ContactSignal[] = []
    const inbox = await ben.openRoom(await contactsOf(ben).inboxRoomId()) as Room
    inbox.on('contact', s => { signals.push(s) })

    await contactsOf(ben).block(bytesToHex(mallory.identity.publicKey), 'Mallory')
    await contactsOf(mallory).request(await contactsOf(ben).card())
    await waitFor(() => signals.length > 0, 'the request reaches the inbox')
    expect(await contactsOf(ben).receive(inbox.id, signals[0])).toBe('blocked')
    expect(await stateOf(ben, mallory)).toBe('none')
    expect((await contactsOf(ben).blockedKeys()).has(bytesToHex(mallory.identity.publicKey))).toBe(true)

    // Ada becomes Ben's contact; then a stranger calling herself "ada" asks: the request is flagged.
    await contactsOf(ada).request(await contactsOf(ben).card())
    await waitFor(async () => await stateOf(ben, ada) === 'incoming', 'request arrives')
    await contactsOf(ben).accept(bytesToHex(ada.identity.publicKey))
    const fake = await person(network, 'ada')
    await contactsOf(fake).request({ key: benKey, name: 'Ben', inbox: (await contactsOf(ben).card()).inbox })
    await waitFor(async () => await stateOf(ben, fake) === 'incoming', 'fake request arrives')
    expect((await contactsOf(ben).get(bytesToHex(fake.identity.publicKey)))?.lookalikeOf).toBe(bytesToHex(ada.identity.publicKey))

    await contactsOf(ben).unblock(bytesToHex(mallory.identity.publicKey))
    expect(await contactsOf(ben).blockedKeys()).toEqual(new Set())
  })

  it('a backup brings the contacts back on a new device: the same contact link, the direct room, blocks and verification', async () => {
    const network = new MemoryNetwork()
    const ada = await person(network, 'Ada')
    const ben = await person(network, 'Ben')
    const adaKey = bytesToHex(ada.identity.publicKey)
    const benKey = bytesToHex(ben.identity.publicKey)
    const malloryKey = bytesToHex(createIdentity().publicKey)
    await contactsOf(ada).request(await contactsOf(ben).card())
    await waitFor(async () => await stateOf(ben, ada) === 'incoming', 'request arrives')
    await contactsOf(ben).accept(adaKey)
    await waitFor(async () => await stateOf(ada, ben) === 'accepted', 'acceptance arrives')
    await contactsOf(ada).setVerified(benKey, true)
    await contactsOf(ada).block(malloryKey, 'Mallory')
    const group = await ada.createRoom()
    const card = await contactsOf(ada).card()
    const text = await ada.exportBackup('pw', FAST_KDF)

    // A device that had another identity first: its contacts and inbox do not carry over.
    const store = new MemoryStore()
    const before = await Client.open({ store })
    await (await before.loadContacts()).block(bytesToHex(createIdentity().publicKey), 'Someone')
    const inboxBefore = (await (await before.loadContacts()).card()).inbox
    await before.close()
    await restoreIdentity(store, await openBackup(text, 'pw'))
    const restored = await Client.open({ store })
    await restored.setDisplayName('Ada')
    restored.attachTransport(network.createTransport())
    await startContacts(restored)

    expect(await contactsOf(restored).card()).toEqual(card)
    expect(card.inbox).not.toBe(inboxBefore)
    const contacts = await contactsOf(restored).all()
    expect(contacts.map(c => [c.name, c.state, c.verified, c.blocked])).toEqual([['Mallory', 'none', false, true], ['Ben', 'accepted', true, false]])
    // The inbox stays out of the room list, and Ben's room is a direct room, as on the first device.
    const rooms = await restored.listRooms()
    expect(rooms.map(r => r.id).sort()).toEqual([group.id, (await contactsOf(ada).get(benKey))!.directRoom].sort())
    expect(rooms.find(r => r.id !== group.id)?.direct).toBe(benKey)

    const direct = await contactsOf(restored).openDirect(benKey)
    const benRoom = await contactsOf(ben).openDirect(adaKey)
    await waitFor(async () => {
      await direct.send('from my new device').catch(() => {})
      return (await benRoom.history()).some(m => m.text === 'from my new device')
    }, 'the restored device writes to Ben')
    // A request sent to the old link reaches the restored device.
    const cy = await person(network, 'Cy')
    await contactsOf(cy).request(card)
    await waitFor(async () => await stateOf(restored, cy) === 'incoming', 'a request through the same link')
  })

  it('a backup restored while the new device is still starting its contacts keeps the backup\'s contact link', async () => {
    const ada = await Client.open({ store: new MemoryStore() })
    const { inbox } = await (await ada.loadContacts()).card()
    const text = await ada.exportBackup('pw', FAST_KDF)
    await ada.close()
    // As in the app: the fresh device starts its own contacts after the first screen, and the
    // user may paste the backup before that start has finished: with the contacts loaded, or
    // still loading. The start, having found no inbox, is held at writing its new one until the
    // restore is done.
    for (const loaded of [true, false]) {
      let restoreDone = (): void => {}
      const restored = new Promise<void>(resolve => { restoreDone = resolve })
      let restoring = false
      const store = new class extends MemoryStore {
        override async putMeta (key: string, value: unknown): Promise<void> {
          if (key === 'inbox' && !restoring) await restored
          await super.putMeta(key, value)
        }
      }()
      const fresh = await Client.open({ store })
      if (loaded) await fresh.loadContacts()
      const starting = fresh.loadContacts().then(async contacts => { await contacts.start() })
      await fresh.close()
      restoring = true
      await restoreIdentity(store, await openBackup(text, 'pw'))
      restoreDone()
      await starting
      const again = await Client.open({ store })
      expect((await (await again.loadContacts()).card()).inbox, `loaded: ${loaded}`).toBe(inbox)
      expect(await store.listRooms(), `loaded: ${loaded}`).toEqual([]) // and the closed client joined no inbox
      await again.close()
    }
  })

  it('a backup restored on the device that made it keeps the contacts made since, and its contact link, also with the app lock on', async () => {
    for (const locked of [false, true]) {
      const store = new MemoryStore()
      const client = await Client.open({ store })
      const contacts = await client.loadContacts()
      const { inbox } = await contacts.card()
      await contacts.block('a'.repeat(64), 'First')
      const text = await client.exportBackup('pw', FAST_KDF)
      await contacts.block('b'.repeat(64), 'Since')
      await client.close()
      if (locked) await lockIdentity(store, client.identity, 'lock pw', FAST_KDF)
      // As the app does: it knows the open identity's key, which a locked store does not show.
      await restoreIdentity(store, await openBackup(text, 'pw'), { currentKey: client.identity.publicKey })
      const again = await Client.open({ store })
      expect((await (await again.loadContacts()).all()).map(c => c.name).sort(), `locked: ${locked}`).toEqual(['First', 'Since'])
      expect((await (await again.loadContacts()).card()).inbox).toBe(inbox)
      await again.close()
    }
  })

  it('a backup past the contact limit leaves out the oldest of those only blocked, never a request under way', async () => {
    const store = new MemoryStore()
    let clock = Date.now()
    const client = await Client.open({ store, now: () => clock++ }) // each contact added at its own time
    await client.setDisplayName('Ada')
    const contacts = await client.loadContacts()
    const ben = createIdentity()
    await contacts.request({ key: bytesToHex(ben.publicKey), name: 'Ben', inbox: generateRoomCode().secret })
    const blocked = Array.from({ length: MAX_BACKUP_CONTACTS + 5 }, () => bytesToHex(createIdentity().publicKey))
    for (const key of blocked) await contacts.block(key, 'Spammer')
    const restored = await openBackup(await client.exportBackup('pw', FAST_KDF), 'pw')
    await client.close()
    expect(restored.contacts).toHaveLength(MAX_BACKUP_CONTACTS)
    expect(restored.contacts?.find(c => c.name === 'Ben')?.state).toBe('requested')
    const kept = new Set(restored.contacts?.map(c => c.key))
    expect(blocked.slice(0, 6).some(key => kept.has(key))).toBe(false)
    expect(blocked.slice(6).every(key => kept.has(key))).toBe(true)
  }, 30_000)

  it('rejects a request re-signed by someone else, and an unasked acceptance', async () => {
    const network = new MemoryNetwork()
    const ada = await person(network, 'Ada')
    const ben = await person(network, 'Ben')
    const mallory = await person(network, 'Mallory')
    const signals: ContactSignal[] = []
    const inbox = await ben.openRoom(await contactsOf(ben).inboxRoomId()) as Room
    inbox.on('contact', s => { signals.push(s) })
    await contactsOf(ada).request(await contactsOf(ben).card())
    await waitFor(() => signals.length > 0, 'the request reaches the inbox')
    const forged = { ...signals[0], author: bytesToHex(mallory.identity.publicKey) }
    expect(await contactsOf(ben).receive(inbox.id, forged)).toBe('not-for-us')
    expect(await contactsOf(ben).receive(inbox.id, { ...signals[0], body: signals[0].body.map((b, i) => i === 40 ? b ^ 1 : b) })).toBe('not-for-us')
    expect(await stateOf(ben, mallory)).toBeUndefined()

    // An acceptance nobody asked for changes nothing.
    const direct = await mallory.joinRoom(directRoomCode(mallory.identity.secretKey, mallory.identity.publicKey, ben.identity.publicKey).display)
    const benDirect = await ben.joinRoom(direct.code.display)
    const seen: ContactSignal[] = []
    benDirect.on('contact', s => { seen.push(s) })
    expect(benDirect.id).toBe(roomIdOf(directRoomCode(ben.identity.secretKey, ben.identity.publicKey, mallory.identity.publicKey)))
    await waitFor(() => direct.peerCount === 1, 'connected')
    await (contactsOf(mallory) as unknown as { reply: (c: object, d: string) => Promise<void> })
      .reply({ key: bytesToHex(ben.identity.publicKey), requestId: bytesToHex(id16), directRoom: direct.id }, 'accept')
    await waitFor(() => seen.length > 0, 'the acceptance arrives')
    expect(await contactsOf(ben).receive(benDirect.id, seen[0])).toBe('unsolicited')
    expect(await stateOf(ben, mallory)).toBeUndefined()
    expect(seen[0].kind).toBe(Kind.ContactReply)
  })

  it('a room rejects a contact note of the wrong shape before passing it on', async () => {
    const network = new MemoryNetwork()
    const ada = await person(network, 'Ada')
    const room = await ada.createRoom()
    const stranger = createIdentity()
    const signals: ContactSignal[] = []
    room.on('contact', s => { signals.push(s) })
    for (const body of [new Uint8Array(10), new Uint8Array(32 + 300)]) {
      const signed = await signMessage(stranger, room.epoch.epochId, { kind: Kind.ContactRequest, seq: 0, timestamp: Date.now(), body })
      expect(await room.receive(plainFrame(room.epoch, signed))).toBe('reject')
    }
    expect(signals).toEqual([])
  })
})
