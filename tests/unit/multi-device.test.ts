import { afterEach, describe, expect, it } from 'vitest'
import { Client } from '../../src/client/client.js'
import { restoreIdentity } from '../../src/client/identity-vault.js'
import { openBackup } from '../../src/identity/backup.js'
import { MemoryNetwork } from '../../src/net/memory-network.js'
import type { MemoryTransport } from '../../src/net/memory-network.js'
import type { Room } from '../../src/room/room.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { Harness, plainFrame, waitFor } from './room-harness.js'
import { Kind, encodePresenceBody } from '../../src/protocol/bodies.js'
import { signMessage } from '../../src/protocol/envelope.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

const FAST = { logN: 10, r: 8, p: 1 }

let clients: Client[] = []
afterEach(async () => {
  for (const c of clients) await c.close()
  clients = []
})

async function device (store = new MemoryStore()): Promise<Client> {
  const client = await Client.open({ store })
  clients.push(client)
  return client
}

async function texts (room: Room): Promise<string[]> {
  return (await room.history(1_000)).map(m => m.text).sort()
}

/** (seq -> text) of one author as a device holds it. */
async function numbering (room: Room, author: string): Promise<Map<number, string>> {
  return new Map((await room.history(1_000)).filter(m => m.author === author).map(m => [m.seq, m.text]))
}

/** Ann on her first device and Cat in one room; Ann's second device restored from her backup. */
async function setting () {
  const network = new MemoryNetwork()
  const annA = await device()
  const cat = await device()
  await annA.setDisplayName('Ann')
  await cat.setDisplayName('Cat')
  const tA = network.createTransport()
  const tC = network.createTransport()
  annA.attachTransport(tA)
  cat.attachTransport(tC)
  const roomA = await annA.createRoom()
  const roomC = await cat.joinRoom(roomA.code.display)
  await waitFor(() => roomA.peerCount === 1 && roomC.peerCount === 1, 'connection')

  const backup = await annA.exportBackup('pw', FAST)
  const storeB = new MemoryStore()
  await restoreIdentity(storeB, await openBackup(backup, 'pw'))
  const annB = await device(storeB)
  return { network, annA, annB, cat, tA, tC, roomA, roomC, author: roomA.members()[0].key }
}

describe('one identity on two devices', () => {
  it('old device, then new device, then old again: every message keeps its own number and reaches everyone', async () => {
    const s = await setting()
    await s.roomA.send('A1')
    await s.roomA.send('A2')
    await waitFor(async () => (await texts(s.roomC)).length === 2, 'Cat has A1, A2')

    // The old device goes away; the new one writes before it has met anyone.
    s.tA.setOnline(false)
    const roomB = (await s.annB.openRoom(s.roomA.id))!
    expect(roomB).toBeDefined()
    const offline = await roomB.send('B1 written offline')
    expect(offline.seq).toBe(1) // it cannot know yet that 1 is taken
    const tB: MemoryTransport = s.network.createTransport()
    s.annB.attachTransport(tB)
    await waitFor(async () => (await texts(s.roomC)).includes('B1 written offline'), 'B1 reaches Cat')
    await roomB.send('B2')
    await waitFor(async () => (await texts(roomB)).length === 4, 'B gets A1, A2 by sync')

    // The old device writes while away, comes back: its pending message moves past B's numbers.
    s.tA.setOnline(true)
    tB.setOnline(false)
    // (A's outbox waits for a summary; A was offline when it wrote)
    await waitFor(() => s.roomA.peerCount === 1, 'A back')
    const all = ['A1', 'A2', 'B1 written offline', 'B2', 'A3 after B']
    await s.roomA.send('A3 after B')
    tB.setOnline(true)
    for (const room of [s.roomC, s.roomA, roomB]) {
      await waitFor(async () => (await texts(room)).length === all.length, `every device has all ${all.length}`, 10_000)
      expect(await texts(room)).toEqual([...all].sort())
    }
    // The same number means the same message everywhere.
    const reference = await numbering(s.roomC, s.author)
    expect([...reference.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5])
    expect(await numbering(s.roomA, s.author)).toEqual(reference)
    expect(await numbering(roomB, s.author)).toEqual(reference)
  })

  it('a message written offline on the old device while the new one used its number is moved, not lost', async () => {
    const s = await setting()
    await s.roomA.send('A1')
    await waitFor(async () => (await texts(s.roomC)).includes('A1'), 'Cat has A1')
    s.tA.setOnline(false)
    await s.roomA.send('A2 offline') // pending as 2
    const roomB = (await s.annB.openRoom(s.roomA.id))!
    s.annB.attachTransport(s.network.createTransport())
    await waitFor(async () => (await texts(roomB)).includes('A1'), 'B gets A1')
    await roomB.send('B2') // takes 2
    await waitFor(async () => (await texts(s.roomC)).includes('B2'), 'B2 reaches Cat')

    const moved: number[] = []
    s.roomA.on('message-renumbered', m => { moved.push(m.record.seq) })
    s.tA.setOnline(true)
    await waitFor(async () => (await texts(s.roomC)).includes('A2 offline'), 'A2 reaches Cat', 10_000)
    expect(moved).toEqual([3])
    const reference = await numbering(s.roomC, s.author)
    expect(reference).toEqual(new Map([[1, 'A1'], [2, 'B2'], [3, 'A2 offline']]))
    await waitFor(async () => (await texts(roomB)).length === 3 && (await texts(s.roomA)).length === 3, 'all three on both devices', 10_000)
    expect(await numbering(roomB, s.author)).toEqual(reference)
    expect(await numbering(s.roomA, s.author)).toEqual(reference)
  })

  it('an edit written offline follows its message to the new number', async () => {
    const s = await setting()
    await s.roomA.send('A1')
    await waitFor(async () => (await texts(s.roomC)).includes('A1'), 'Cat has A1')
    s.tA.setOnline(false)
    const draft = await s.roomA.send('typo hree') // pending as 2
    await s.roomA.edit(draft.seq, 'typo here') // pending as 3, pointing at 2
    const roomB = (await s.annB.openRoom(s.roomA.id))!
    s.annB.attachTransport(s.network.createTransport())
    await waitFor(async () => (await texts(roomB)).includes('A1'), 'B gets A1')
    await roomB.send('B2')
    await roomB.send('B3')
    await waitFor(async () => (await texts(s.roomC)).includes('B3'), 'B3 reaches Cat')

    s.tA.setOnline(true)
    await waitFor(async () => (await texts(s.roomC)).includes('typo here'), 'the edited message reaches Cat', 10_000)
    expect((await s.roomC.history()).find(m => m.text === 'typo here')?.seq).toBe(4)
    expect(await texts(s.roomC)).toEqual(['A1', 'B2', 'B3', 'typo here'])
  })

  it('both devices online: each sees the other, says so, and messages sent at the same moment all arrive', async () => {
    const s = await setting()
    const roomB = (await s.annB.openRoom(s.roomA.id))!
    const seenOther: string[] = []
    s.roomA.on('other-device', () => { seenOther.push('A') })
    roomB.on('other-device', () => { seenOther.push('B') })
    s.annB.attachTransport(s.network.createTransport())
    await waitFor(() => seenOther.includes('A') && seenOther.includes('B'), 'both devices notice the other')

    await s.roomA.send('from A')
    await waitFor(async () => (await texts(roomB)).includes('from A'), 'B reads A live')
    await Promise.all([s.roomA.send('same time A'), roomB.send('same time B')])
    const all = ['from A', 'same time A', 'same time B']
    for (const room of [s.roomC, s.roomA, roomB]) {
      await waitFor(async () => {
        const list = await texts(room)
        return all.every(t => list.includes(t))
      }, 'every message on every device', 10_000)
    }
  })
})

describe('telling another device of ours from a replay', () => {
  it('a presence of ours with another prekey means another device; one dated before this session is a replay', async () => {
    const h = new Harness()
    try {
      const [ann] = await h.group(['Ann', 'Bob'])
      const seen: string[] = []
      ann.room.on('other-device', ({ prekey }) => { seen.push(prekey) })
      const presence = async (timestamp: number, prekey: Uint8Array) => plainFrame(ann.room.epoch, await signMessage(ann.identity, ann.room.epoch.epochId,
        { kind: Kind.Presence, seq: 0, timestamp, body: encodePresenceBody({ name: 'Ann', online: true, prekey }) }))

      const old = new Uint8Array(32).fill(7)
      expect(await ann.room.receive(await presence(Date.now() - 10 * 60_000, old))).toBe('ignore')
      expect(seen).toEqual([])

      const fresh = new Uint8Array(32).fill(9)
      expect(await ann.room.receive(await presence(Date.now(), fresh))).toBe('accept')
      expect(seen).toEqual(['09'.repeat(32)])
      // and our own members list does not grow a second "Ann"
      expect(ann.room.members().filter(m => m.key === ann.key)).toHaveLength(1)
    } finally {
      await h.close()
    }
  })
})

describe('one identity on one device', () => {
  let harness: Harness
  afterEach(async () => { await harness.close() })

  it('never moves a message that looked unsent but reached a peer: it is not shown twice', async () => {
    harness = new Harness()
    const [ann, bo] = await harness.group(['Ann', 'Bo'])
    // Ann's send reaches Bo, but looks failed to Ann (as when the network reports no peer).
    const publish = ann.transport.publish.bind(ann.transport)
    let looksFailed = true
    ann.transport.publish = async (topic, frame) => {
      const delivered = await publish(topic, frame)
      return looksFailed ? 0 : delivered
    }
    const sent = await ann.room.send('only once')
    expect(sent.state).toBe('pending')
    await waitFor(async () => (await texts(bo.room)).includes('only once'), 'Bo has it')
    looksFailed = false
    // Bo's summary says he holds Ann's number: a single device takes that as "it went out".
    await (bo.room as unknown as { sync: { announce: (force: boolean) => Promise<void> } }).sync.announce(true)
    await waitFor(async () => (await ann.store.pendingMessages(ann.room.id)).length === 0, 'Ann\'s outbox empties')
    await new Promise(resolve => setTimeout(resolve, 300))
    expect((await texts(bo.room)).filter(t => t === 'only once')).toHaveLength(1)
    expect((await texts(ann.room)).filter(t => t === 'only once')).toHaveLength(1)
  })
})
