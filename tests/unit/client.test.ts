import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { Client } from '../../src/client/client.js'
import { roomIdOf } from '../../src/crypto/room-keys.js'
import { MemoryNetwork } from '../../src/net/memory-network.js'
import type { MemoryTransport } from '../../src/net/memory-network.js'
import type { Room } from '../../src/room/room.js'
import { parseRoomCode, roomCodeFromSecret } from '../../src/room/room-code.js'
import { IdbStore } from '../../src/store/idb-store.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import type { RoomRecord, Store } from '../../src/store/store.js'
import { waitFor } from './room-harness.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// A room joins the network once the crypto code is loaded (the app loads it with the network);
// loaded here first, so attaching a transport takes effect at once, as these tests expect.
await loadCrypto()

async function settle (): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>(resolve => setImmediate(resolve))
}

/**
 * A store that counts how often the room list is read. Its reads wait for `gate`, which is open
 * unless a test closes it (a slow IndexedDB).
 */
class CountingStore extends MemoryStore {
  reads = 0
  gate: Promise<void> = Promise.resolve()
  override async listRooms (): Promise<RoomRecord[]> {
    this.reads++
    await this.gate
    return await super.listRooms()
  }
}

async function catchAsync (fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the call to reject')
}

let clock: number
let opened: Client[]
let extraRooms: Room[]

beforeEach(() => {
  clock = 1_700_000_000_000
  opened = []
  extraRooms = []
})

afterEach(async () => {
  for (const client of opened) await client.close()
  for (const room of extraRooms) await room.stop()
})

async function open (store: Store = new MemoryStore()): Promise<Client> {
  const client = await Client.open({ store, now: () => clock })
  opened.push(client)
  return client
}

describe('Client identity and name', () => {
  it('creates an identity on first use and loads the same one when opened again on the same store', async () => {
    const store = new MemoryStore()
    const first = await open(store)
    const second = await open(store)
    expect(first.identity.publicKey).toHaveLength(32)
    expect(second.identity.publicKey).toEqual(first.identity.publicKey)
    expect(second.identity.secretKey).toEqual(first.identity.secretKey)
  })

  it('keeps the identity in an IndexedDB store across closing and reopening it', async () => {
    const name = `client-test-${Math.random().toString(36).slice(2)}`
    const store = await IdbStore.open({ name })
    const before = (await open(store)).identity.publicKey
    await store.close()
    const reopened = await IdbStore.open({ name })
    try {
      expect((await open(reopened)).identity.publicKey).toEqual(before)
    } finally {
      await reopened.close()
    }
  })

  it('gives different stores different identities', async () => {
    const a = await open()
    const b = await open()
    expect(bytesToHex(a.identity.publicKey)).not.toBe(bytesToHex(b.identity.publicKey))
  })

  it('recomputes the public key from the stored secret key', async () => {
    const store = new MemoryStore()
    const first = await open(store)
    const stored = await store.getMeta<Record<string, unknown>>('identity')
    expect(Object.keys(stored!)).toEqual(['secretKey'])
    expect((await open(store)).identity.publicKey).toEqual(first.identity.publicKey)
  })

  it('has an empty display name until one is set, then keeps it normalised across opens', async () => {
    const store = new MemoryStore()
    const first = await open(store)
    expect(first.displayName).toBe('')
    await first.setDisplayName('   Ann    Lee  ')
    expect(first.displayName).toBe('Ann Lee')
    expect((await open(store)).displayName).toBe('Ann Lee')
  })

  it('refuses an empty display name and keeps the previous one', async () => {
    const store = new MemoryStore()
    const client = await open(store)
    await client.setDisplayName('Ann')
    expect(await catchAsync(async () => { await client.setDisplayName('   ') })).toBeInstanceOf(RangeError)
    expect(client.displayName).toBe('Ann')
    expect((await open(store)).displayName).toBe('Ann')
  })
})

describe('Client rooms', () => {
  it('creates a room with a fresh, valid code and remembers it', async () => {
    const client = await open()
    const room = await client.createRoom()
    expect(parseRoomCode(room.code.display)).toEqual(room.code)
    const rooms = await client.listRooms()
    expect(rooms).toEqual([{ id: roomIdOf(room.code), secret: room.code.secret, joinedAt: clock, lastActivity: 0 }])
    expect(room.id).toBe(roomIdOf(room.code))
  })

  it('creates a different room every time', async () => {
    const client = await open()
    const a = await client.createRoom()
    const b = await client.createRoom()
    expect(a.id).not.toBe(b.id)
    expect(await client.listRooms()).toHaveLength(2)
  })

  it('joins the room another person created, from the code as they might type it', async () => {
    const ann = await open()
    const bob = await open()
    const created = await ann.createRoom()
    const typed = `  ${created.code.display.toLowerCase().replace(/-/g, ' ')} `
    const joined = await bob.joinRoom(typed)
    expect(joined.id).toBe(created.id)
    expect(joined.code).toEqual(created.code)
    expect((await bob.listRooms()).map(r => r.id)).toEqual([created.id])
  })

  it('returns the already open room when the same code is joined again', async () => {
    const client = await open()
    const room = await client.createRoom()
    expect(await client.joinRoom(room.code.display)).toBe(room)
    expect(await client.listRooms()).toHaveLength(1)
  })

  it('returns one room when the same code is joined twice at once', async () => {
    const client = await open()
    const code = roomCodeFromSecret('7KQ2MX9D4RT0V1ABCDEFGHJKMN').display
    const [a, b] = await Promise.all([client.joinRoom(code), client.joinRoom(code)])
    // stop both, in case they are different objects: close() only knows one of them
    extraRooms.push(a, b)
    expect(a === b, 'both joins resolve to the same Room object').toBe(true)
    expect(await client.listRooms()).toHaveLength(1)
  })

  it('throws InvalidRoomCodeError for a mistyped code and joins nothing', async () => {
    const ann = await open()
    const bob = await open()
    const room = await ann.createRoom()
    const full = room.code.display.replace(/-/g, '')
    const typo = full.slice(0, 3) + (full[3] === 'X' ? 'Y' : 'X') + full.slice(4)
    const err = await catchAsync(async () => await bob.joinRoom(typo))
    expect(err.name).toBe('InvalidRoomCodeError')
    expect((await catchAsync(async () => await bob.joinRoom(''))).name).toBe('InvalidRoomCodeError')
    expect((await catchAsync(async () => await bob.joinRoom(full.slice(1)))).name).toBe('InvalidRoomCodeError')
    expect(await bob.listRooms()).toEqual([])
  })

  it('lists rooms with the most recent activity or join first', async () => {
    const client = await open()
    await client.setDisplayName('Ann')
    const first = await client.createRoom()
    clock += 1000
    const second = await client.createRoom()
    clock += 1000
    const third = await client.createRoom()
    expect((await client.listRooms()).map(r => r.id)).toEqual([third.id, second.id, first.id])

    clock += 1000
    await first.send('bump')
    expect((await client.listRooms()).map(r => r.id)).toEqual([first.id, third.id, second.id])
  })

  it('announces the room list when a room is joined and when it has new activity', async () => {
    const client = await open()
    await client.setDisplayName('Ann')
    const lists: RoomRecord[][] = []
    client.on('rooms', rooms => { lists.push(rooms) })
    const room = await client.createRoom()
    expect(lists.at(-1)!.map(r => r.id)).toEqual([room.id])
    const before = lists.length
    clock += 10
    await room.send('hello')
    await waitFor(() => lists.length > before)
    expect(lists.at(-1)![0].lastActivity).toBe(clock)
  })

  /** A client with one room, whose store counts room-list reads, and the lists it announces. */
  async function roomWithCountedList (): Promise<{ store: CountingStore, room: Room, lists: RoomRecord[][] }> {
    const store = new CountingStore()
    const client = await open(store)
    await client.setDisplayName('Ann')
    const room = await client.createRoom()
    const lists: RoomRecord[][] = []
    client.on('rooms', rooms => { lists.push(rooms) })
    return { store, room, lists }
  }

  it('reads the room list once or twice, not once per message, for a burst of messages, and announces the newest', async () => {
    const { store, room, lists } = await roomWithCountedList()
    let release = (): void => {}
    store.gate = new Promise(resolve => { release = resolve })
    const readsBefore = store.reads
    clock += 10
    await Promise.all(Array.from({ length: 20 }, async (_, i) => await room.send(`burst ${i}`)))
    await waitFor(() => store.reads > readsBefore)
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(store.reads - readsBefore).toBe(1)
    release()
    await waitFor(() => lists.at(-1)?.[0].lastActivity === clock)
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(store.reads - readsBefore).toBeLessThanOrEqual(2)
    expect(lists.length).toBeLessThanOrEqual(2)
  })

  it('reads the room list a few times a second, not once per message, while a room is busy', async () => {
    const { store, room, lists } = await roomWithCountedList()
    const readsBefore = store.reads
    // 40 messages over at least 400 ms: a reading every 250 ms is 2 or 3 of them (fewer than 10
    // even where the machine is slow), where every message used to be one.
    for (let i = 0; i < 40; i++) {
      clock += 10
      await room.send(`busy ${i}`)
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    await waitFor(() => lists.at(-1)?.[0].lastActivity === clock)
    expect(store.reads - readsBefore).toBeLessThan(10)
    expect(store.reads - readsBefore).toBeGreaterThanOrEqual(2)
  })

  it('reopens a stored room by id after the client is opened again, and returns undefined for an unknown id', async () => {
    const store = new MemoryStore()
    const first = await open(store)
    const room = await first.createRoom()
    await first.close()
    const second = await open(store)
    const reopened = await second.openRoom(room.id)
    expect(reopened).toBeDefined()
    expect(reopened!.id).toBe(room.id)
    expect(reopened!.code).toEqual(room.code)
    expect(await second.openRoom(room.id)).toBe(reopened)
    expect(await second.openRoom('00'.repeat(32))).toBeUndefined()
  })

  it('keeps a room\'s history when the client is opened again', async () => {
    const store = new MemoryStore()
    const first = await open(store)
    await first.setDisplayName('Ann')
    const room = await first.createRoom()
    await room.send('remember me')
    await first.close()
    const again = await (await open(store)).openRoom(room.id)
    expect((await again!.history()).map(m => [m.text, m.name, m.state])).toEqual([['remember me', 'Ann', 'pending']])
  })
})

describe('Client over a memory network', () => {
  it('connects rooms joined before and after the transport is attached, and delivers messages', async () => {
    const network = new MemoryNetwork()
    const ann = await open()
    const bob = await open()
    await ann.setDisplayName('Ann')
    await bob.setDisplayName('Bob')

    const annRoom = await ann.createRoom() // before attaching
    ann.attachTransport(network.createTransport())
    bob.attachTransport(network.createTransport())
    const bobRoom = await bob.joinRoom(annRoom.code.display) // after attaching
    await settle()
    expect(annRoom.peerCount).toBe(1)
    expect(bobRoom.peerCount).toBe(1)

    const sent = await annRoom.send('hi Bob')
    expect(sent.state).toBe('sent')
    await waitFor(async () => (await bobRoom.history()).length === 1, 'delivery')
    expect((await bobRoom.history()).map(m => [m.name, m.text])).toEqual([['Ann', 'hi Bob']])
    expect(bobRoom.members().map(m => [m.name, m.online])).toEqual([['Bob', true], ['Ann', true]])
  })

  it('signs messages with the current display name', async () => {
    const network = new MemoryNetwork()
    const ann = await open()
    const bob = await open()
    await ann.setDisplayName('Ann')
    await bob.setDisplayName('Bob')
    ann.attachTransport(network.createTransport())
    bob.attachTransport(network.createTransport())
    const annRoom = await ann.createRoom()
    const bobRoom = await bob.joinRoom(annRoom.code.display)
    await settle()

    await annRoom.send('as Ann')
    clock += 1
    await ann.setDisplayName('Annie')
    await annRoom.send('as Annie')
    await waitFor(async () => (await bobRoom.history()).length === 2, 'delivery')
    expect((await bobRoom.history()).map(m => m.name)).toEqual(['Ann', 'Annie'])
  })
})

describe('Client preparing to join', () => {
  /** A memory transport that records what it is asked to prepare. */
  function recordingTransport (): { transport: MemoryTransport, prepared: string[] } {
    const prepared: string[] = []
    const transport = new MemoryNetwork().createTransport()
    return { transport: Object.assign(transport, { prepare: (rendezvous: Uint8Array) => { prepared.push(bytesToHex(rendezvous)) } }), prepared }
  }

  it("prepares the rendezvous that joining the room then subscribes under, once the network is attached", async () => {
    const ann = await open()
    const code = (await ann.createRoom()).code.display
    const bob = await open()
    const { transport, prepared } = recordingTransport()
    bob.prepareJoin(code) // before the network, as the app does on opening an invitation
    expect(prepared).toEqual([])
    bob.attachTransport(transport)
    expect(prepared).toHaveLength(1)

    await bob.joinRoom(code)
    const subscribed = [...transport.subscriptions.values()].map(s => bytesToHex(s.rendezvous))
    expect(subscribed).toEqual(prepared)
  })

  it('prepares at once when the network is there, and leaves a mistyped code alone', async () => {
    const bob = await open()
    const { transport, prepared } = recordingTransport()
    bob.attachTransport(transport)
    bob.prepareJoin('not a room code')
    expect(prepared).toEqual([])
    bob.prepareJoin((await (await open()).createRoom()).code.display)
    expect(prepared).toHaveLength(1)
  })
})
