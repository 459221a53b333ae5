/**
 * The behaviour every Store must have, run against each implementation by its own test file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MemberRecord, MessageRecord, MessageState, RoomRecord, Store } from '../../src/store/store.js'

const ROOM_A = 'aa'.repeat(32)
const ROOM_B = 'bb'.repeat(32)
const ME = '01'.repeat(32)
const ANN = '0a'.repeat(32)
const BOB = '0b'.repeat(32)

export function message (overrides: Partial<MessageRecord> & Pick<MessageRecord, 'seq'>): MessageRecord {
  return {
    roomId: ROOM_A,
    author: ME,
    kind: 1,
    epoch: 'ee'.repeat(32),
    timestamp: 1000 + overrides.seq,
    receivedAt: 5000,
    body: Uint8Array.of(3, 0x41, 0x6e, 0x6e, 0x68, 0x69),
    signature: new Uint8Array(64).fill(overrides.seq & 0xff),
    name: 'Ann',
    text: `message ${overrides.seq}`,
    state: 'received' as MessageState,
    ...overrides
  }
}

function room (id: string, overrides: Partial<RoomRecord> = {}): RoomRecord {
  return { id, secret: '7KQ2MX9D4RT0V1ABCDEFGHJKMN', joinedAt: 100, lastActivity: 0, ...overrides }
}

const texts = (messages: MessageRecord[]): string[] => messages.map(m => m.text)

export function describeStore (name: string, open: () => Promise<Store>): void {
  describe(`${name} (Store contract)`, () => {
    let store: Store

    beforeEach(async () => { store = await open() })
    afterEach(async () => { await store.close() })

    describe('meta', () => {
      it('returns undefined for a key never stored', async () => {
        expect(await store.getMeta('nothing')).toBeUndefined()
      })

      it('returns what was stored, bytes included, and the latest value for a key', async () => {
        const value = { secretKey: Uint8Array.of(1, 2, 3), nested: { n: 1, list: ['a'] } }
        await store.putMeta('identity', value)
        await store.putMeta('displayName', 'Ann')
        const stored = await store.getMeta<typeof value>('identity')
        expect(stored).toEqual(value)
        expect(stored!.secretKey).toBeInstanceOf(Uint8Array)
        expect(await store.getMeta('displayName')).toBe('Ann')
        await store.putMeta('displayName', 'Bob')
        expect(await store.getMeta('displayName')).toBe('Bob')
      })

      it('keeps a copy: changing the value afterwards, or what was read, changes nothing stored', async () => {
        const value = { list: [1, 2] }
        await store.putMeta('k', value)
        value.list.push(3)
        const read = await store.getMeta<{ list: number[] }>('k')
        expect(read).toEqual({ list: [1, 2] })
        read!.list.push(4)
        expect(await store.getMeta('k')).toEqual({ list: [1, 2] })
      })
    })

    describe('rooms', () => {
      it('lists nothing at first and returns undefined for an unknown room', async () => {
        expect(await store.listRooms()).toEqual([])
        expect(await store.getRoom(ROOM_A)).toBeUndefined()
      })

      it('stores rooms by id and lists them all', async () => {
        await store.putRoom(room(ROOM_A))
        await store.putRoom(room(ROOM_B, { joinedAt: 200 }))
        expect(await store.getRoom(ROOM_A)).toEqual(room(ROOM_A))
        expect(await store.getRoom(ROOM_B)).toEqual(room(ROOM_B, { joinedAt: 200 }))
        const listed = await store.listRooms()
        expect(listed.map(r => r.id).sort()).toEqual([ROOM_A, ROOM_B])
      })

      it('replaces a room stored again under the same id', async () => {
        await store.putRoom(room(ROOM_A))
        await store.putRoom(room(ROOM_A, { lastActivity: 999 }))
        expect((await store.getRoom(ROOM_A))!.lastActivity).toBe(999)
        expect(await store.listRooms()).toHaveLength(1)
      })

      it('keeps a room\'s epochs, with their rotations, and the time it was removed', async () => {
        const epochs = [
          { number: 0, secret: '7KQ2MX9D4RT0V1ABCDEFGHJKMN' },
          { number: 1, secret: '0123456789ABCDEFGHJKMNPQRS', rotation: { author: ANN, removed: [BOB], digest: 'ab'.repeat(32), parent: 'cd'.repeat(8), signed: Uint8Array.of(1, 2, 3) } }
        ]
        await store.putRoom(room(ROOM_A, { epochs, removedAt: 777 }))
        const read = await store.getRoom(ROOM_A)
        expect(read!.epochs).toEqual(epochs)
        expect(read!.removedAt).toBe(777)
        expect((await store.listRooms())[0].epochs).toEqual(epochs)
      })

      it('does not let a change to a returned room\'s epochs reach the store without putRoom', async () => {
        await store.putRoom(room(ROOM_A, { epochs: [{ number: 0, secret: '7KQ2MX9D4RT0V1ABCDEFGHJKMN' }] }))
        const read = await store.getRoom(ROOM_A)
        read!.epochs!.push({ number: 1, secret: '0123456789ABCDEFGHJKMNPQRS' })
        expect((await store.getRoom(ROOM_A))!.epochs).toHaveLength(1)
      })

      it('does not let a change to a returned room reach the store without putRoom', async () => {
        await store.putRoom(room(ROOM_A))
        const read = await store.getRoom(ROOM_A)
        read!.lastActivity = 12345
        expect((await store.getRoom(ROOM_A))!.lastActivity).toBe(0)
      })
    })

    describe('nextSeq', () => {
      it('counts up from 1, separately for each room', async () => {
        expect(await store.nextSeq(ROOM_A)).toBe(1)
        expect(await store.nextSeq(ROOM_A)).toBe(2)
        expect(await store.nextSeq(ROOM_B)).toBe(1)
        expect(await store.nextSeq(ROOM_A)).toBe(3)
        expect(await store.nextSeq(ROOM_B)).toBe(2)
      })

      it('never hands out the same number twice, even when asked concurrently', async () => {
        const seqs = await Promise.all(Array.from({ length: 20 }, async () => await store.nextSeq(ROOM_A)))
        expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      })

      it('jumps above a number another device used, and never goes back below it', async () => {
        expect(await store.nextSeq(ROOM_A)).toBe(1)
        expect(await store.nextSeq(ROOM_A, 7)).toBe(8)
        expect(await store.nextSeq(ROOM_A)).toBe(9)
        expect(await store.nextSeq(ROOM_A, 3)).toBe(10)
      })
    })

    describe('removeMessage', () => {
      it('removes exactly one message, freeing its number', async () => {
        await store.addMessage(message({ seq: 1 }))
        await store.addMessage(message({ seq: 2 }))
        await store.removeMessage(ROOM_A, ME, 1)
        expect(await store.hasMessage(ROOM_A, ME, 1)).toBe(false)
        expect(await store.hasMessage(ROOM_A, ME, 2)).toBe(true)
        expect(await store.addMessage(message({ seq: 1 }))).toBe(true)
      })

      it('updates the author head: highest number and count', async () => {
        for (const seq of [1, 2, 3]) await store.addMessage(message({ seq }))
        await store.removeMessage(ROOM_A, ME, 3)
        expect(await store.authorHead(ROOM_A, ME)).toEqual({ maxSeq: 2, count: 2 })
        await store.removeMessage(ROOM_A, ME, 1)
        expect(await store.authorHead(ROOM_A, ME)).toEqual({ maxSeq: 2, count: 1 })
        await store.removeMessage(ROOM_A, ME, 9)
        expect(await store.authorHead(ROOM_A, ME)).toEqual({ maxSeq: 2, count: 1 })
      })
    })

    describe('messages', () => {
      it('stores a message and reads it back unchanged, bytes included', async () => {
        const m = message({ seq: 1 })
        expect(await store.addMessage(m)).toBe(true)
        const [stored] = await store.latestMessages(ROOM_A, 10)
        expect(stored).toEqual(m)
        expect(stored.body).toBeInstanceOf(Uint8Array)
        expect(stored.signature).toBeInstanceOf(Uint8Array)
        expect(await store.hasMessage(ROOM_A, ME, 1)).toBe(true)
        expect(await store.hasMessage(ROOM_A, ME, 2)).toBe(false)
      })

      it('returns false for a duplicate (room, author, seq) and keeps the first one unchanged', async () => {
        const first = message({ seq: 1, text: 'original', state: 'pending' })
        expect(await store.addMessage(first)).toBe(true)
        const forged = message({ seq: 1, text: 'forged', timestamp: 99_999, state: 'received' })
        expect(await store.addMessage(forged)).toBe(false)
        expect(await store.addMessage(first)).toBe(false)
        const all = await store.latestMessages(ROOM_A, 10)
        expect(all).toEqual([first])
      })

      it('treats the same seq from another author or in another room as a different message', async () => {
        expect(await store.addMessage(message({ seq: 1 }))).toBe(true)
        expect(await store.addMessage(message({ seq: 1, author: ANN }))).toBe(true)
        expect(await store.addMessage(message({ seq: 1, roomId: ROOM_B }))).toBe(true)
        expect(await store.latestMessages(ROOM_A, 10)).toHaveLength(2)
        expect(await store.latestMessages(ROOM_B, 10)).toHaveLength(1)
        expect(await store.hasMessage(ROOM_B, ME, 1)).toBe(true)
        expect(await store.hasMessage(ROOM_B, ANN, 1)).toBe(false)
      })

      it('returns the newest N messages of a room, oldest first', async () => {
        // added out of order, with another room's messages in between
        for (const seq of [5, 2, 8, 1, 7, 3, 6, 4]) {
          await store.addMessage(message({ seq, timestamp: 1000 + seq * 10 }))
          await store.addMessage(message({ seq, roomId: ROOM_B, timestamp: 5000 + seq }))
        }
        expect(texts(await store.latestMessages(ROOM_A, 3))).toEqual(['message 6', 'message 7', 'message 8'])
        expect(texts(await store.latestMessages(ROOM_A, 1))).toEqual(['message 8'])
        expect(texts(await store.latestMessages(ROOM_A, 100))).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(n => `message ${n}`))
        expect((await store.latestMessages(ROOM_A, 100)).every(m => m.roomId === ROOM_A)).toBe(true)
      })

      it('orders by the author\'s timestamp, not by seq or arrival', async () => {
        await store.addMessage(message({ seq: 1, author: ANN, timestamp: 300, text: 'late' }))
        await store.addMessage(message({ seq: 2, author: ANN, timestamp: 100, text: 'early' }))
        await store.addMessage(message({ seq: 1, author: BOB, timestamp: 200, text: 'middle' }))
        expect(texts(await store.latestMessages(ROOM_A, 10))).toEqual(['early', 'middle', 'late'])
        expect(texts(await store.latestMessages(ROOM_A, 2))).toEqual(['middle', 'late'])
      })

      it('breaks timestamp ties by author, then seq, the same way everywhere', async () => {
        await store.addMessage(message({ seq: 2, author: BOB, timestamp: 100, text: 'bob 2' }))
        await store.addMessage(message({ seq: 1, author: BOB, timestamp: 100, text: 'bob 1' }))
        await store.addMessage(message({ seq: 9, author: ANN, timestamp: 100, text: 'ann 9' }))
        expect(texts(await store.latestMessages(ROOM_A, 10))).toEqual(['ann 9', 'bob 1', 'bob 2'])
        expect(texts(await store.latestMessages(ROOM_A, 2))).toEqual(['bob 1', 'bob 2'])
      })

      it('returns nothing for a room without messages', async () => {
        await store.addMessage(message({ seq: 1 }))
        expect(await store.latestMessages(ROOM_B, 10)).toEqual([])
        expect(await store.pendingMessages(ROOM_B)).toEqual([])
      })

      it('returns nothing when asked for the latest 0 messages', async () => {
        for (let seq = 1; seq <= 3; seq++) await store.addMessage(message({ seq }))
        expect(await store.latestMessages(ROOM_A, 0)).toEqual([])
      })

      it('lists only pending messages of the room, oldest first', async () => {
        await store.addMessage(message({ seq: 3, state: 'pending' }))
        await store.addMessage(message({ seq: 1, state: 'pending' }))
        await store.addMessage(message({ seq: 2, state: 'sent' }))
        await store.addMessage(message({ seq: 1, author: ANN, state: 'received' }))
        await store.addMessage(message({ seq: 4, roomId: ROOM_B, state: 'pending' }))
        const pending = await store.pendingMessages(ROOM_A)
        expect(pending.map(m => m.seq)).toEqual([1, 3])
        expect(pending.every(m => m.state === 'pending' && m.roomId === ROOM_A)).toBe(true)
      })

      it('changes the state of one message, which then leaves the pending list', async () => {
        await store.addMessage(message({ seq: 1, state: 'pending' }))
        await store.addMessage(message({ seq: 2, state: 'pending' }))
        await store.setMessageState(ROOM_A, ME, 1, 'sent')
        expect((await store.pendingMessages(ROOM_A)).map(m => m.seq)).toEqual([2])
        const all = await store.latestMessages(ROOM_A, 10)
        expect(all.map(m => [m.seq, m.state])).toEqual([[1, 'sent'], [2, 'pending']])
        // the rest of the record is untouched
        expect(all[0]).toEqual({ ...message({ seq: 1 }), state: 'sent' })
      })

      it('ignores a state change for a message it does not hold', async () => {
        await store.addMessage(message({ seq: 1, state: 'pending' }))
        await store.setMessageState(ROOM_A, ME, 2, 'sent')
        await store.setMessageState(ROOM_B, ME, 1, 'sent')
        expect((await store.pendingMessages(ROOM_A)).map(m => m.seq)).toEqual([1])
        expect(await store.hasMessage(ROOM_A, ME, 2)).toBe(false)
      })

      it('replaces a stored message (re-signed for a new epoch), keeping one copy', async () => {
        await store.addMessage(message({ seq: 1, state: 'pending' }))
        const resigned = message({ seq: 1, state: 'pending', epoch: 'ff'.repeat(32), signature: new Uint8Array(64).fill(0x77) })
        await store.replaceMessage(resigned)
        expect(await store.latestMessages(ROOM_A, 10)).toEqual([resigned])
        expect(await store.pendingMessages(ROOM_A)).toEqual([resigned])
      })

      it('keeps the pending list right through removals, replacements and a message sent again', async () => {
        for (let seq = 1; seq <= 4; seq++) await store.addMessage(message({ seq, state: 'pending' }))
        await store.removeMessage(ROOM_A, ME, 1)
        await store.replaceMessage(message({ seq: 2, state: 'sent' }))
        await store.setMessageState(ROOM_A, ME, 3, 'sent')
        expect((await store.pendingMessages(ROOM_A)).map(m => m.seq)).toEqual([4])
        // The same numbers again: 1 stored as sent, 3 back to pending.
        await store.addMessage(message({ seq: 1, state: 'sent' }))
        await store.setMessageState(ROOM_A, ME, 3, 'pending')
        expect((await store.pendingMessages(ROOM_A)).map(m => m.seq)).toEqual([3, 4])
        await store.deleteMessages(ROOM_A)
        expect(await store.pendingMessages(ROOM_A)).toEqual([])
      })

      it('does not let a change to a returned message reach the store', async () => {
        await store.addMessage(message({ seq: 1, state: 'pending' }))
        const [read] = await store.latestMessages(ROOM_A, 1)
        read.state = 'sent'
        expect((await store.pendingMessages(ROOM_A)).map(m => m.seq)).toEqual([1])
      })
    })

    describe('room settings, leaving and search', () => {
      it('changes lastRead and muted in place, keeping the rest of the room, and ignores an unknown room', async () => {
        await store.putRoom(room(ROOM_A, { lastActivity: 50 }))
        expect(await store.updateRoom(ROOM_A, { lastRead: 700 })).toEqual(room(ROOM_A, { lastActivity: 50, lastRead: 700 }))
        await store.updateRoom(ROOM_A, { muted: true })
        expect(await store.getRoom(ROOM_A)).toEqual(room(ROOM_A, { lastActivity: 50, lastRead: 700, muted: true }))
        expect(await store.updateRoom(ROOM_B, { muted: true })).toBeUndefined()
        expect(await store.getRoom(ROOM_B)).toBeUndefined()
      })

      it('keeps a copy of the epochs it is given, and returns one: changing either changes nothing stored', async () => {
        await store.putRoom(room(ROOM_A))
        const epochs = [{ number: 0, secret: '7KQ2MX9D4RT0V1ABCDEFGHJKMN' }]
        const updated = await store.updateRoom(ROOM_A, { epochs })
        epochs.push({ number: 1, secret: '0123456789ABCDEFGHJKMNPQRS' })
        updated!.epochs!.push({ number: 2, secret: '0123456789ABCDEFGHJKMNPQRS' })
        updated!.lastActivity = 12345
        const stored = await store.getRoom(ROOM_A)
        expect(stored!.epochs).toEqual([{ number: 0, secret: '7KQ2MX9D4RT0V1ABCDEFGHJKMN' }])
        expect(stored!.lastActivity).toBe(0)
      })

      it('does not lose one setting to another changed at the same time', async () => {
        await store.putRoom(room(ROOM_A))
        await Promise.all([store.updateRoom(ROOM_A, { lastRead: 9 }), store.updateRoom(ROOM_A, { muted: true })])
        expect(await store.getRoom(ROOM_A)).toEqual(room(ROOM_A, { lastRead: 9, muted: true }))
      })

      it('deletes a room and its members but keeps its messages and its sequence numbers', async () => {
        await store.putRoom(room(ROOM_A))
        await store.putRoom(room(ROOM_B))
        await store.putMember({ roomId: ROOM_A, key: ANN, name: 'Ann', lastSeen: 1 })
        await store.putMember({ roomId: ROOM_B, key: ANN, name: 'Ann', lastSeen: 1 })
        await store.addMessage(message({ seq: 1 }))
        expect(await store.nextSeq(ROOM_A)).toBe(1)
        await store.deleteRoom(ROOM_A)
        expect(await store.getRoom(ROOM_A)).toBeUndefined()
        expect((await store.listRooms()).map(r => r.id)).toEqual([ROOM_B])
        expect(await store.listMembers(ROOM_A)).toEqual([])
        expect(await store.listMembers(ROOM_B)).toHaveLength(1)
        expect(await store.latestMessages(ROOM_A, 10)).toHaveLength(1)
        // Rejoining must not reuse a sequence number the others already hold.
        expect(await store.nextSeq(ROOM_A)).toBe(2)
      })

      it('deletes every message of one room only', async () => {
        for (let seq = 1; seq <= 3; seq++) await store.addMessage(message({ seq, author: seq === 2 ? ANN : ME }))
        await store.addMessage(message({ seq: 1, roomId: ROOM_B }))
        await store.deleteMessages(ROOM_A)
        expect(await store.latestMessages(ROOM_A, 10)).toEqual([])
        expect(await store.hasMessage(ROOM_A, ME, 1)).toBe(false)
        expect(await store.latestMessages(ROOM_B, 10)).toHaveLength(1)
        // and the deleted keys can be stored again
        expect(await store.addMessage(message({ seq: 1 }))).toBe(true)
      })

      it('finds messages by text or author, ignoring case and accents, newest first, across rooms or in one', async () => {
        await store.addMessage(message({ seq: 1, text: 'Lunch at the Café?', timestamp: 100 }))
        await store.addMessage(message({ seq: 2, text: 'no', timestamp: 200 }))
        await store.addMessage(message({ seq: 3, text: 'cafe again', timestamp: 300, roomId: ROOM_B }))
        await store.addMessage(message({ seq: 1, author: BOB, name: 'Cafétéria Bob', text: 'hello', timestamp: 50 }))
        expect(texts(await store.searchMessages('CAFE'))).toEqual(['cafe again', 'Lunch at the Café?', 'hello'])
        expect(texts(await store.searchMessages('café', { roomId: ROOM_A }))).toEqual(['Lunch at the Café?', 'hello'])
        expect(texts(await store.searchMessages('cafe', { limit: 1 }))).toEqual(['cafe again'])
        expect(texts(await store.searchMessages('  lunch  '))).toEqual(['Lunch at the Café?'])
        expect(await store.searchMessages('nothing like this')).toEqual([])
        expect(await store.searchMessages('   ')).toEqual([])
      })

      it('returns copies from search: changing a result changes nothing stored', async () => {
        await store.addMessage(message({ seq: 1, text: 'find me', state: 'pending' }))
        const [found] = await store.searchMessages('find')
        found.state = 'sent'
        expect((await store.pendingMessages(ROOM_A)).map(m => m.seq)).toEqual([1])
      })
    })

    describe('file chunks', () => {
      const FILE_A = 'fa'.repeat(32)
      const FILE_B = 'fb'.repeat(32)

      it('keeps chunks per file, lists their indexes in order, and replaces a chunk stored again', async () => {
        expect(await store.fileChunkIndexes(FILE_A)).toEqual([])
        expect(await store.getFileChunk(FILE_A, 0)).toBeUndefined()
        await store.putFileChunk(FILE_A, 2, Uint8Array.of(2))
        await store.putFileChunk(FILE_A, 0, Uint8Array.of(0))
        await store.putFileChunk(FILE_A, 10, Uint8Array.of(10))
        await store.putFileChunk(FILE_B, 1, Uint8Array.of(0xb1))
        await store.putFileChunk(FILE_A, 2, Uint8Array.of(2, 2))
        expect(await store.fileChunkIndexes(FILE_A)).toEqual([0, 2, 10])
        expect(await store.getFileChunk(FILE_A, 2)).toEqual(Uint8Array.of(2, 2))
        expect(await store.getFileChunk(FILE_B, 1)).toEqual(Uint8Array.of(0xb1))
      })

      it('keeps a copy of a chunk, and forgets one file\'s chunks without touching another\'s', async () => {
        const data = Uint8Array.of(1, 2, 3)
        await store.putFileChunk(FILE_A, 0, data)
        data[0] = 9
        expect(await store.getFileChunk(FILE_A, 0)).toEqual(Uint8Array.of(1, 2, 3))
        await store.putFileChunk(FILE_B, 0, Uint8Array.of(4))
        await store.deleteFileChunks(FILE_A)
        expect(await store.fileChunkIndexes(FILE_A)).toEqual([])
        expect(await store.fileChunkIndexes(FILE_B)).toEqual([0])
      })
    })

    describe('members', () => {
      const member = (roomId: string, key: string, name: string, lastSeen = 1): MemberRecord => ({ roomId, key, name, lastSeen })

      it('lists the members of one room only', async () => {
        expect(await store.listMembers(ROOM_A)).toEqual([])
        await store.putMember(member(ROOM_A, ANN, 'Ann'))
        await store.putMember(member(ROOM_A, BOB, 'Bob'))
        await store.putMember(member(ROOM_B, ANN, 'Ann in B'))
        const inA = await store.listMembers(ROOM_A)
        expect(inA.map(m => m.name).sort()).toEqual(['Ann', 'Bob'])
        expect(await store.listMembers(ROOM_B)).toEqual([member(ROOM_B, ANN, 'Ann in B')])
      })

      it('replaces a member stored again in the same room', async () => {
        await store.putMember(member(ROOM_A, ANN, 'Ann', 1))
        await store.putMember(member(ROOM_A, ANN, 'Annie', 2))
        expect(await store.listMembers(ROOM_A)).toEqual([member(ROOM_A, ANN, 'Annie', 2)])
        expect(await store.listMembers(ROOM_B)).toEqual([])
      })
    })
  })
}
