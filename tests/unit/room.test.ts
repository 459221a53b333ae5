import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { deriveRoomKeys } from '../../src/crypto/room-keys.js'
import { createIdentity } from '../../src/identity/identity.js'
import type { Identity } from '../../src/identity/identity.js'
import { MemoryNetwork } from '../../src/net/memory-network.js'
import type { MemoryTransport } from '../../src/net/memory-network.js'
import { Kind, encodePresenceBody, encodeTextBody } from '../../src/protocol/bodies.js'
import { openFrame, sealFrame, signMessage } from '../../src/protocol/envelope.js'
import { PRESENCE_MAX_SKEW_MS, PRESENCE_TIMEOUT_MS } from '../../src/room/constants.js'
import { Room } from '../../src/room/room.js'
import { generateRoomCode } from '../../src/room/room-code.js'
import type { RoomCode } from '../../src/room/room-code.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import type { MessageRecord } from '../../src/store/store.js'

/** Lets every pending promise chain run; the memory network and store only use microtasks. */
async function settle (): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>(resolve => setImmediate(resolve))
}

interface Peer {
  readonly name: string
  readonly identity: Identity
  readonly key: string
  readonly store: MemoryStore
  readonly transport: MemoryTransport
  readonly room: Room
  readonly messages: MessageRecord[]
  readonly published: Uint8Array[]
}

let clock: number
let network: MemoryNetwork
let code: RoomCode
let started: Room[]

beforeEach(() => {
  clock = 1_700_000_000_000
  network = new MemoryNetwork()
  code = generateRoomCode()
  started = []
})

afterEach(async () => {
  for (const room of started) await room.stop()
})

/** A person with their own store, transport and copy of the room; not yet attached. */
async function peer (name: string, roomCode = code): Promise<Peer> {
  const identity = createIdentity()
  const store = new MemoryStore()
  const room = new Room({ identity, store, displayName: () => name, now: () => clock }, roomCode)
  await store.putRoom({ id: room.id, secret: roomCode.secret, joinedAt: clock, lastActivity: 0 })
  await room.start()
  started.push(room)
  const transport = network.createTransport()
  const published: Uint8Array[] = []
  const publish = transport.publish.bind(transport)
  vi.spyOn(transport, 'publish').mockImplementation(async (topic, frame) => {
    published.push(frame)
    return await publish(topic, frame)
  })
  const messages: MessageRecord[] = []
  room.on('message', m => { messages.push(m) })
  return { name, identity, key: bytesToHex(identity.publicKey), store, transport, room, messages, published }
}

/** Three people in the same room, all connected. */
async function threePeers (): Promise<[Peer, Peer, Peer]> {
  const peers = [await peer('Ann'), await peer('Bob'), await peer('Cat')] as [Peer, Peer, Peer]
  for (const p of peers) p.room.attach(p.transport)
  await settle()
  return peers
}

/** A text frame for `room`, signed by `identity`, exactly as a peer would send it. */
function textFrame (room: Room, identity: Identity, seq: number, text: string, timestamp = clock): Uint8Array {
  const body = encodeTextBody({ name: 'Someone', text })
  return sealFrame(room.keys, signMessage(identity, room.keys.roomId, { kind: Kind.Text, seq, timestamp, body }))
}

function presenceFrame (room: Room, identity: Identity, name: string, online: boolean, timestamp = clock, seq = 0): Uint8Array {
  const body = encodePresenceBody({ name, online })
  return sealFrame(room.keys, signMessage(identity, room.keys.roomId, { kind: Kind.Presence, seq, timestamp, body }))
}

describe('Room over a memory network', () => {
  it('delivers a message to every other member exactly once', async () => {
    const [ann, bob, cat] = await threePeers()
    const sent = await ann.room.send('hello everyone')
    await settle()

    expect(sent.state).toBe('sent')
    for (const other of [bob, cat]) {
      const history = await other.room.history()
      expect(history).toHaveLength(1)
      expect(history[0]).toMatchObject({ author: ann.key, seq: 1, text: 'hello everyone', name: 'Ann', state: 'received' })
      expect(other.messages.map(m => m.text)).toEqual(['hello everyone'])
    }
    const own = await ann.room.history()
    expect(own).toHaveLength(1)
    expect(own[0]).toMatchObject({ author: ann.key, seq: 1, state: 'sent' })
    expect(ann.messages).toHaveLength(1)
  })

  it('numbers each sender\'s messages from 1 and keeps everyone\'s history in the same order', async () => {
    const [ann, bob, cat] = await threePeers()
    await ann.room.send('one'); clock += 1
    await bob.room.send('two'); clock += 1
    await ann.room.send('three')
    await settle()

    for (const p of [ann, bob, cat]) {
      const history = await p.room.history()
      expect(history.map(m => m.text)).toEqual(['one', 'two', 'three'])
      expect(history.map(m => m.seq)).toEqual([1, 1, 2])
    }
  })

  it('ignores the same frame received twice and stores it once', async () => {
    const [ann, bob] = await threePeers()
    await ann.room.send('only once')
    await settle()
    const textFrames = ann.published.filter(f => openFrame(ann.room.keys, f).kind === Kind.Text)
    expect(textFrames).toHaveLength(1)
    const frame = textFrames[0]

    expect(await bob.room.receive(frame)).toBe('ignore')
    expect(await bob.room.receive(frame)).toBe('ignore')
    expect(await bob.room.history()).toHaveLength(1)
    expect(bob.messages).toHaveLength(1)
  })

  it('accepts a frame fed directly once, then ignores it', async () => {
    const [ann, , cat] = await threePeers()
    const mallory = createIdentity()
    const frame = textFrame(cat.room, mallory, 1, 'first')
    expect(await cat.room.receive(frame)).toBe('accept')
    expect(await cat.room.receive(frame)).toBe('ignore')
    expect((await cat.room.history()).map(m => m.text)).toEqual(['first'])
    expect(cat.messages).toHaveLength(1)
    expect(await ann.room.history()).toEqual([])
  })

  it('ignores an old message re-encrypted with a new nonce', async () => {
    const [ann, bob] = await threePeers()
    await ann.room.send('original')
    await settle()
    const [stored] = await ann.room.history()
    // the same signed message, sealed again: different bytes on the wire
    const resealed = sealFrame(bob.room.keys, {
      kind: stored.kind, author: ann.identity.publicKey, seq: stored.seq, timestamp: stored.timestamp, body: stored.body, signature: stored.signature
    })
    expect(ann.published.some(f => bytesToHex(f) === bytesToHex(resealed))).toBe(false)
    expect(await bob.room.receive(resealed)).toBe('ignore')
    expect(await bob.room.history()).toHaveLength(1)
    expect(bob.messages).toHaveLength(1)
  })

  it('ignores a different message that reuses a sender\'s (author, seq), keeping the first', async () => {
    const [, bob] = await threePeers()
    const mallory = createIdentity()
    expect(await bob.room.receive(textFrame(bob.room, mallory, 5, 'first'))).toBe('accept')
    expect(await bob.room.receive(textFrame(bob.room, mallory, 5, 'second'))).toBe('ignore')
    expect((await bob.room.history()).map(m => m.text)).toEqual(['first'])
  })

  it('ignores its own messages echoed back', async () => {
    const [ann] = await threePeers()
    await ann.room.send('mine')
    await settle()
    const frame = ann.published.find(f => openFrame(ann.room.keys, f).kind === Kind.Text)!
    expect(await ann.room.receive(frame)).toBe('ignore')
    expect(await ann.room.history()).toHaveLength(1)
  })

  it('rejects a frame from another room and says why', async () => {
    const [ann, bob] = await threePeers()
    const elsewhere = new Room({ identity: ann.identity, store: new MemoryStore(), displayName: () => 'Ann' }, generateRoomCode())
    const rejected: Error[] = []
    bob.room.on('rejected', ({ error }) => { rejected.push(error) })

    expect(await bob.room.receive(textFrame(elsewhere, ann.identity, 1, 'wrong room'))).toBe('reject')
    expect(rejected.map(e => e.name)).toEqual(['DecryptError'])
    expect(await bob.room.history()).toEqual([])
  })

  it('rejects a message signed for another room but sealed with this room\'s key', async () => {
    const [ann, bob] = await threePeers()
    const other = deriveRoomKeys(generateRoomCode())
    const body = encodeTextBody({ name: 'Ann', text: 'moved' })
    const frame = sealFrame(bob.room.keys, signMessage(ann.identity, other.roomId, { kind: Kind.Text, seq: 1, timestamp: clock, body }))
    const rejected: string[] = []
    bob.room.on('rejected', ({ error }) => { rejected.push(error.name) })
    expect(await bob.room.receive(frame)).toBe('reject')
    expect(rejected).toEqual(['BadSignatureError'])
    expect(await bob.room.history()).toEqual([])
  })

  it('rejects garbage and a text with a malformed body, and never throws', async () => {
    const [, bob] = await threePeers()
    const mallory = createIdentity()
    expect(await bob.room.receive(new Uint8Array(0))).toBe('reject')
    expect(await bob.room.receive(new Uint8Array(300).fill(1))).toBe('reject')
    const badBody = sealFrame(bob.room.keys, signMessage(mallory, bob.room.keys.roomId, { kind: Kind.Text, seq: 1, timestamp: clock, body: Uint8Array.of(0) }))
    expect(await bob.room.receive(badBody)).toBe('reject')
    const seqZero = textFrame(bob.room, mallory, 0, 'no seq')
    expect(await bob.room.receive(seqZero)).toBe('reject')
    expect(await bob.room.history()).toEqual([])
  })

  it('stores a message sent while offline as pending, then sends it once when back online', async () => {
    const [ann, bob, cat] = await threePeers()
    ann.transport.setOnline(false)
    await settle()
    expect(ann.room.peerCount).toBe(0)

    const sent = await ann.room.send('written offline')
    expect(sent.state).toBe('pending')
    expect((await ann.room.history()).map(m => m.state)).toEqual(['pending'])
    expect(await ann.store.pendingMessages(ann.room.id)).toHaveLength(1)
    expect(await bob.room.history()).toEqual([])

    const states: string[] = []
    ann.room.on('message-state', m => { states.push(m.state) })
    ann.transport.setOnline(true)
    await settle()

    expect(ann.room.peerCount).toBe(2)
    expect((await ann.room.history()).map(m => m.state)).toEqual(['sent'])
    expect(await ann.store.pendingMessages(ann.room.id)).toEqual([])
    expect(states).toEqual(['sent'])
    for (const other of [bob, cat]) {
      expect((await other.room.history()).map(m => m.text)).toEqual(['written offline'])
      expect(other.messages).toHaveLength(1)
    }
  })

  it('sends several offline messages in order when back online', async () => {
    const [ann, bob] = await threePeers()
    ann.transport.setOnline(false)
    for (const text of ['a', 'b', 'c']) { await ann.room.send(text); clock += 1 }
    ann.transport.setOnline(true)
    await settle()
    expect(bob.messages.map(m => m.text)).toEqual(['a', 'b', 'c'])
    expect((await ann.room.history()).map(m => m.state)).toEqual(['sent', 'sent', 'sent'])
  })

  it('keeps a message pending when nobody else is in the room, and sends it when someone arrives', async () => {
    const ann = await peer('Ann')
    ann.room.attach(ann.transport)
    expect((await ann.room.send('anyone?')).state).toBe('pending')

    const bob = await peer('Bob')
    bob.room.attach(bob.transport)
    await settle()
    expect(bob.messages.map(m => m.text)).toEqual(['anyone?'])
    expect((await ann.room.history())[0].state).toBe('sent')
  })

  it('sends a message written before the room was attached to a network, once it is attached', async () => {
    const ann = await peer('Ann')
    const sent = await ann.room.send('no network yet')
    expect(sent.state).toBe('pending')
    expect(ann.messages).toHaveLength(1)
    const bob = await peer('Bob')
    bob.room.attach(bob.transport)
    ann.room.attach(ann.transport)
    await settle()
    expect(bob.messages.map(m => m.text)).toEqual(['no network yet'])
  })

  it('sends a message written while the outbox is being flushed, instead of leaving it pending', async () => {
    const [ann, bob, cat] = await threePeers()
    ann.transport.setOnline(false)
    await ann.room.send('queued while offline')
    clock += 1
    // coming back online starts a flush of the outbox; the user sends again right away
    ann.transport.setOnline(true)
    const second = await ann.room.send('sent while flushing')
    await settle()

    expect(ann.room.peerCount).toBe(2)
    expect(second.text).toBe('sent while flushing')

    expect((await ann.store.pendingMessages(ann.room.id)).map(m => m.text)).toEqual([])
    for (const other of [bob, cat]) {
      expect(other.messages.map(m => m.text)).toEqual(['queued while offline', 'sent while flushing'])
    }
  })

  it('shows members who announce themselves as online, with their names', async () => {
    const [ann, bob, cat] = await threePeers()
    const members = ann.room.members()
    expect(members.map(m => [m.name, m.online, m.self])).toEqual([
      ['Ann', true, true],
      ['Bob', true, false],
      ['Cat', true, false]
    ])
    expect(members.map(m => m.key)).toEqual([ann.key, bob.key, cat.key])
    for (const p of [bob, cat]) {
      expect(p.room.members().filter(m => m.online).map(m => m.name).sort()).toEqual(['Ann', 'Bob', 'Cat'])
    }
    expect((await ann.store.listMembers(ann.room.id)).map(m => m.name).sort()).toEqual(['Bob', 'Cat'])
  })

  it('shows a member offline after they say goodbye, or after they go quiet for too long', async () => {
    const [ann, bob, cat] = await threePeers()
    clock += 1
    await bob.room.stop()
    await settle()
    const online = (): Record<string, boolean> => Object.fromEntries(ann.room.members().map(m => [m.name, m.online]))
    expect(online()).toEqual({ Ann: true, Bob: false, Cat: true })

    clock += PRESENCE_TIMEOUT_MS
    expect(online()).toEqual({ Ann: true, Bob: false, Cat: false })
    expect(cat.room.members().find(m => m.self)!.online).toBe(true)
  })

  it('keeps known members, with their names, when the room is started again from the store', async () => {
    const [ann] = await threePeers()
    const again = new Room({ identity: ann.identity, store: ann.store, displayName: () => 'Ann', now: () => clock }, code)
    await again.start()
    started.push(again)
    expect(again.members().map(m => [m.name, m.online])).toEqual([['Ann', true], ['Bob', false], ['Cat', false]])
  })

  it('ignores replayed, stale, far-future and numbered presence', async () => {
    const [ann] = await threePeers()
    const dan = createIdentity()
    const danOnline = (): boolean | undefined => ann.room.members().find(m => m.key === bytesToHex(dan.publicKey))?.online

    const hello = presenceFrame(ann.room, dan, 'Dan', true)
    expect(await ann.room.receive(hello)).toBe('accept')
    expect(danOnline()).toBe(true)
    // an older "goodbye" must not undo a newer "hello"
    expect(await ann.room.receive(presenceFrame(ann.room, dan, 'Dan', false, clock - 1))).toBe('ignore')
    expect(await ann.room.receive(presenceFrame(ann.room, dan, 'Dan', false, clock))).toBe('ignore')
    expect(danOnline()).toBe(true)
    expect(await ann.room.receive(presenceFrame(ann.room, dan, 'Dan', true, clock + PRESENCE_MAX_SKEW_MS + 1))).toBe('ignore')
    expect(await ann.room.receive(presenceFrame(ann.room, dan, 'Dan', true, clock + 10, 3))).toBe('ignore')

    clock += 10
    expect(await ann.room.receive(presenceFrame(ann.room, dan, 'Dan', false, clock))).toBe('accept')
    expect(danOnline()).toBe(false)
    // a presence older than the allowed skew is never accepted, even the first time
    const eve = createIdentity()
    expect(await ann.room.receive(presenceFrame(ann.room, eve, 'Eve', true, clock - PRESENCE_MAX_SKEW_MS - 1))).toBe('ignore')
    expect(ann.room.members().some(m => m.name === 'Eve')).toBe(false)
  })

  it('updates a member\'s name from their latest presence', async () => {
    const [ann] = await threePeers()
    const dan = createIdentity()
    await ann.room.receive(presenceFrame(ann.room, dan, 'Dan', true))
    clock += 1
    await ann.room.receive(presenceFrame(ann.room, dan, 'Daniel', true))
    expect(ann.room.members().filter(m => m.key === bytesToHex(dan.publicKey)).map(m => m.name)).toEqual(['Daniel'])
  })

  it('accepts a signed message of an unknown kind but does not store or show it', async () => {
    const [, bob] = await threePeers()
    const future = createIdentity()
    const frame = sealFrame(bob.room.keys, signMessage(future, bob.room.keys.roomId, { kind: 99, seq: 1, timestamp: clock, body: Uint8Array.of(1, 2, 3) }))
    const rejected: Error[] = []
    bob.room.on('rejected', ({ error }) => { rejected.push(error) })

    expect(await bob.room.receive(frame)).toBe('accept')
    expect(await bob.room.history()).toEqual([])
    expect(bob.messages).toEqual([])
    expect(rejected).toEqual([])
    expect(bob.room.members().some(m => m.key === bytesToHex(future.publicKey))).toBe(false)
  })

  it('records the latest message time on the room record', async () => {
    const [ann, bob] = await threePeers()
    clock += 5000
    await ann.room.send('activity')
    await settle()
    expect((await ann.store.getRoom(ann.room.id))!.lastActivity).toBe(clock)
    expect((await bob.store.getRoom(bob.room.id))!.lastActivity).toBe(clock)
  })

  it('returns the newest messages first-to-last from history(limit)', async () => {
    const [ann] = await threePeers()
    for (let i = 1; i <= 5; i++) { await ann.room.send(`m${i}`); clock += 1 }
    expect((await ann.room.history(2)).map(m => m.text)).toEqual(['m4', 'm5'])
  })

  it('leaves the topic when stopped and receives nothing more', async () => {
    const [ann, bob] = await threePeers()
    await bob.room.stop()
    await settle()
    expect(bob.transport.subscriptions.size).toBe(0)
    await ann.room.send('after bob left')
    await settle()
    expect(bob.messages).toEqual([])
  })
})
