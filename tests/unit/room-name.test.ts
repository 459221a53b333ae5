import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { utf8 } from '../../src/bytes.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'
import { Kind, isStoredKind } from '../../src/protocol/bodies.js'
import { decodeRoomNameBody, encodeRoomNameBody } from '../../src/protocol/conversation-bodies.js'
import { Client } from '../../src/client/client.js'
import { Harness, waitFor } from './room-harness.js'
import type { Member } from './room-harness.js'

await loadCrypto()

const DAY_MS = 24 * 60 * 60_000

describe('room name bodies', () => {
  it('round-trip any name up to 64 bytes, and the empty name that clears it', () => {
    for (const name of ['', 'Lunch', 'Équipe 🦊 du jeudi', 'x'.repeat(64)]) expect(decodeRoomNameBody(encodeRoomNameBody({ name }))).toEqual({ name })
    expect(isStoredKind(Kind.RoomName)).toBe(true)
  })

  it('refuse a name that is too long, truncated, followed by more bytes, or not UTF-8', () => {
    expect(() => encodeRoomNameBody({ name: 'x'.repeat(65) })).toThrow(RangeError)
    for (const bad of [new Uint8Array(0), Uint8Array.of(65, ...utf8('x'.repeat(65))), Uint8Array.of(3, 65, 66), Uint8Array.of(1, 65, 66), Uint8Array.of(1, 0xff)]) {
      expect(() => decodeRoomNameBody(bad)).toThrow(expect.objectContaining({ name: 'MalformedError' }))
    }
  })
})

describe('naming a room', () => {
  let h: Harness

  beforeEach(() => { h = new Harness() })
  afterEach(async () => { await h.close() })

  const titleOf = async (member: Member): Promise<string> => member.room.title
  const listedTitle = async (member: Member): Promise<string | undefined> => (await member.client.listRooms()).find(r => r.id === member.room.id)?.named?.name

  it('a member names the room: every member, its room list and a newcomer (by history sync) call it so', async () => {
    const [ann, bob, cat] = await h.group(['Ann', 'Bob', 'Cat'])
    const defaultTitle = ann.room.title
    expect(defaultTitle).toMatch(/^Room [0-9A-Z]{5}$/)
    const lists: string[] = []
    bob.client.on('rooms', rooms => { lists.push(rooms.find(r => r.id === bob.room.id)?.named?.name ?? '') })
    await ann.room.rename('  Thursday   lunch ')
    expect(ann.room.title).toBe('Thursday lunch')
    for (const m of [bob, cat]) await waitFor(async () => await titleOf(m) === 'Thursday lunch', `${m.name} sees the name`)
    expect(await listedTitle(bob)).toBe('Thursday lunch')
    await waitFor(() => lists.includes('Thursday lunch'), 'Bob\'s room list says the name')
    // In the log as a notice, with the name Ann goes by: not a message anyone wrote.
    expect(bob.messages.map(m => ({ kind: m.kind, name: m.name, text: m.text, renamed: m.renamed }))).toEqual([{ kind: Kind.RoomName, name: 'Ann', text: '', renamed: 'Thursday lunch' }])
    expect((await bob.room.history()).map(m => m.renamed)).toEqual(['Thursday lunch'])
    // Stored by a version whose records said neither name: the log reads them from the body and
    // from the members; one whose body cannot be read is left out.
    const { renamed, ...older } = (await bob.store.getMessage(bob.room.id, ann.key, bob.messages[0].seq))!
    await bob.store.replaceMessage({ ...older, name: '' })
    await bob.store.addMessage({ ...older, seq: older.seq + 100, body: Uint8Array.of(9, 65) })
    expect((await bob.room.history()).map(m => [m.name, m.renamed])).toEqual([['Ann', renamed]])
    expect(await bob.store.searchMessages('Ann', { roomId: bob.room.id })).toEqual([])
    expect(bob.room.naming?.by).toBe(ann.key)

    const dee = await h.member('Dee')
    await h.enter(dee, ann.room.code.display)
    dee.client.attachTransport(dee.transport)
    await waitFor(async () => await titleOf(dee) === 'Thursday lunch', 'the newcomer learns the name by history sync')
    expect(dee.messages.map(m => m.renamed)).toContain('Thursday lunch')

    await bob.room.rename('')
    for (const m of [ann, cat, dee]) await waitFor(async () => await titleOf(m) === defaultTitle, `${m.name} is back to the code's name`)
  })

  it('keeps the latest name everywhere when two are given apart, whichever arrives first', async () => {
    const [ann, bob, cat] = await h.group(['Ann', 'Bob', 'Cat'])
    bob.transport.setOnline(false)
    await bob.room.rename('Bob\'s older name') // waits in Bob's outbox
    await new Promise(resolve => setTimeout(resolve, 5))
    await ann.room.rename('Ann\'s newer name')
    await waitFor(async () => await titleOf(cat) === 'Ann\'s newer name', 'Cat has Ann\'s name')
    expect(bob.room.title).toBe('Bob\'s older name')
    bob.transport.setOnline(true)
    await waitFor(async () => (await bob.store.pendingMessages(bob.room.id)).length === 0, 'Bob\'s name goes out')
    await waitFor(async () => await titleOf(bob) === 'Ann\'s newer name', 'Bob takes Ann\'s later name')
    for (const m of [ann, cat]) expect(m.room.title).toBe('Ann\'s newer name')
  })

  it('does not take a name dated far ahead by a wrong clock, which would otherwise hold for good', async () => {
    const ann = await h.member('Ann')
    const sam = await h.member('Sam', { now: () => Date.now() + DAY_MS })
    await h.enter(ann)
    await h.enter(sam, ann.room.code.display)
    for (const m of [ann, sam]) m.client.attachTransport(m.transport)
    await sam.room.rename('From tomorrow')
    await waitFor(async () => (await ann.store.getMessage(ann.room.id, sam.key, 1))?.kind === Kind.RoomName, 'Ann holds Sam\'s naming')
    expect(ann.room.title).toMatch(/^Room /)
    // Nor does Ann's log say it: it would sit below everything said until tomorrow.
    expect(ann.messages.filter(m => m.renamed !== undefined)).toEqual([])
    expect((await ann.room.history()).filter(m => m.renamed !== undefined)).toEqual([])
    await ann.room.rename('Today')
    await waitFor(async () => await titleOf(sam) === 'From tomorrow' || await titleOf(sam) === 'Today', 'Sam hears Ann')
    expect(ann.room.title).toBe('Today')
  })

  it('takes a name dated too far ahead once this clock reaches it, also after a restart', async () => {
    let annAhead = 0
    const annClock = (): number => Date.now() + annAhead
    const ann = await h.member('Ann', { now: annClock })
    const sam = await h.member('Sam', { now: () => Date.now() + 15 * 60_000 })
    await h.enter(ann)
    await h.enter(sam, ann.room.code.display)
    for (const m of [ann, sam]) m.client.attachTransport(m.transport)
    await sam.room.rename('Quarter past')
    await waitFor(async () => (await ann.store.getRoom(ann.room.id))?.namedLater?.name === 'Quarter past', 'Ann keeps the name for later')
    expect(ann.room.title).toMatch(/^Room /)

    annAhead = 15 * 60_000 // Ann's clock catches up; she opens the app again
    await ann.client.close()
    const reopened = await Client.open({ store: ann.store, now: annClock })
    const room = (await reopened.openRoom(ann.room.id))!
    await waitFor(() => room.title === 'Quarter past', 'the name is taken once its time has come')
    expect((await room.history()).map(m => m.renamed)).toEqual(['Quarter past'])
    expect((await ann.store.getRoom(ann.room.id))?.namedLater).toBeUndefined()
    await reopened.close()
  })

  it('a rename goes after a name dated a little ahead by another member\'s clock', async () => {
    const ann = await h.member('Ann')
    const sam = await h.member('Sam', { now: () => Date.now() + 5 * 60_000 })
    await h.enter(ann)
    await h.enter(sam, ann.room.code.display)
    for (const m of [ann, sam]) m.client.attachTransport(m.transport)
    await sam.room.rename('Five minutes early')
    await waitFor(() => ann.room.title === 'Five minutes early', 'Ann takes a name within ten minutes ahead')
    // The room's activity (its place in the list) is not put ahead of when the name arrived.
    expect((await ann.store.getRoom(ann.room.id))!.lastActivity).toBeLessThanOrEqual(Date.now())
    await ann.room.rename('Now')
    expect(ann.room.title).toBe('Now')
    await waitFor(() => sam.room.title === 'Now', 'Sam takes Ann\'s name too')
  })

  it('refuses a name over 64 bytes before anything is sent', async () => {
    const [ann] = await h.group(['Ann', 'Bob'])
    await expect(ann.room.rename('x'.repeat(65))).rejects.toThrow(RangeError)
    expect(await ann.store.pendingMessages(ann.room.id)).toEqual([])
  })
})
