/**
 * History sync over the in-memory network: members who were apart converge.
 */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { Kind, decodeTextBody, encodeTextBody } from '../../src/protocol/bodies.js'
import { HistorySync } from '../../src/room/history-sync.js'
import type { HistorySyncComponents } from '../../src/room/history-sync.js'
import { EpochBook } from '../../src/room/epochs.js'
import { generateRoomCode } from '../../src/room/room-code.js'
import { createIdentity } from '../../src/identity/identity.js'
import { createPrekey } from '../../src/crypto/pairwise.js'
import { signMessage } from '../../src/protocol/envelope.js'
import { decodeRequest, decodeSummary, encodeRequest, encodeSummary, decodeSyncedMessages, encodeSyncedMessages } from '../../src/protocol/sync-bodies.js'
import { MalformedError } from '../../src/errors.js'
import { IdbStore } from '../../src/store/idb-store.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import type { Store } from '../../src/store/store.js'
import { Harness, texts, waitFor } from './room-harness.js'

let h: Harness
afterEach(async () => { await h?.close() })

describe('history sync', () => {
  it('brings a member who was offline up to date, in order, each message once', async () => {
    h = new Harness()
    const [ann, bob, cat] = await h.group(['Ann', 'Bob', 'Cat'])
    cat.transport.setOnline(false)
    for (let i = 1; i <= 30; i++) await (i % 2 === 0 ? ann : bob).room.send(`while Cat was away ${i}`)
    expect((await texts(cat)).filter(t => t.startsWith('while Cat'))).toHaveLength(0)
    cat.transport.setOnline(true)
    await waitFor(async () => (await texts(cat)).filter(t => t.startsWith('while Cat')).length === 30, 'Cat to catch up')
    const history = await cat.room.history(1_000)
    const caught = history.filter(m => m.text.startsWith('while Cat'))
    expect(caught.map(m => m.text).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `while Cat was away ${i + 1}`).sort())
    // in order: by time, and each author's own messages by their numbers
    for (let i = 1; i < caught.length; i++) expect(caught[i].timestamp).toBeGreaterThanOrEqual(caught[i - 1].timestamp)
    for (const author of [ann.key, bob.key]) {
      const seqs = caught.filter(m => m.author === author).map(m => m.seq)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    }
    expect(new Set(history.map(m => `${m.author}/${m.seq}`)).size).toBe(history.length)
  })

  it('makes two halves of a partitioned room identical when it heals', async () => {
    h = new Harness()
    const [ann, bob, cat, dan] = await h.group(['Ann', 'Bob', 'Cat', 'Dan'])
    // Ann and Bob on one side, Cat and Dan on the other: each side only reaches itself.
    for (const m of [cat, dan]) m.transport.setOnline(false)
    await ann.room.send('left side 1')
    await bob.room.send('left side 2')
    for (const m of [ann, bob]) m.transport.setOnline(false)
    for (const m of [cat, dan]) m.transport.setOnline(true)
    await cat.room.send('right side 1')
    await dan.room.send('right side 2')
    for (const m of [ann, bob]) m.transport.setOnline(true)
    const all = ['left side 1', 'left side 2', 'right side 1', 'right side 2']
    for (const m of [ann, bob, cat, dan]) {
      await waitFor(async () => all.every(t => (m.messages.map(x => x.text)).includes(t)), `${m.name} to converge`)
    }
    const digest = async (m: typeof ann): Promise<string[]> => (await m.room.history(1_000)).map(r => `${r.author}/${r.seq}/${r.text}`)
    const reference = await digest(ann)
    for (const m of [bob, cat, dan]) expect(await digest(m)).toEqual(reference)
  })

  it('gives a new member the history from before they joined', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    await ann.room.send('before Cat')
    await bob.room.send('also before Cat')
    const cat = await h.member('Cat')
    await h.enter(cat, ann.room.code.display)
    cat.client.attachTransport(cat.transport)
    await waitFor(async () => (await texts(cat)).includes('before Cat') && (await texts(cat)).includes('also before Cat'), 'Cat to get the history')
  })
})

describe('an answer', () => {
  it('takes every message it holds that checks out, also after one signed with a malformed body', async () => {
    const epoch = new EpochBook([{ number: 0, secret: generateRoomCode().secret }]).current
    const author = createIdentity()
    const store = new MemoryStore()
    const good = [1, 3].map(async seq => await signMessage(author, epoch.epochId, { kind: Kind.Text, seq, timestamp: Date.now(), body: encodeTextBody({ name: 'Ann', text: `number ${seq}` }) }))
    const malformed = await signMessage(author, epoch.epochId, { kind: Kind.Text, seq: 2, timestamp: Date.now(), body: Uint8Array.of(200) })
    for (const signed of [...await Promise.all(good), malformed]) {
      // As the answerer holds it: a store keeps what it is given (this one was never decoded).
      await store.addMessage({
        roomId: 'r', author: bytesToHex(signed.author), seq: signed.seq, kind: signed.kind, epoch: bytesToHex(epoch.epochId),
        timestamp: signed.timestamp, receivedAt: Date.now(), body: signed.body, signature: signed.signature, name: '', text: '', state: 'received'
      })
    }
    const askerKey = new Uint8Array(32).fill(9)
    const prekey = createPrekey()
    const taken: number[] = []
    let answer: Uint8Array | undefined
    const sync = (self: Uint8Array, take: HistorySyncComponents['take']): HistorySync => new HistorySync({
      store, roomId: 'r', self, prekey: () => prekey, knownAuthors: () => [], online: () => 2, epochById: () => epoch,
      send: async (kind, body) => { if (kind === Kind.SyncData) answer = body; return 1 }, take, now: Date.now
    })
    const answerer = sync(new Uint8Array(32).fill(1), async () => true)
    // The asker stores as a room does: a body that cannot be read throws.
    const asker = sync(askerKey, async (_epoch, message) => { decodeTextBody(message.body); taken.push(message.seq); return true })
    await answerer.onRequest(askerKey, encodeRequest({ target: new Uint8Array(32).fill(1), prekey: prekey.publicKey, wanted: [1, 2, 3].map(seq => ({ author: author.publicKey, seq })) }))
    expect(await asker.onData(answer!)).toBe(2)
    expect(taken).toEqual([1, 3])
  })
})

describe('sync bodies', () => {
  it('round-trip and reject lengths that do not match their counts', () => {
    const author = new Uint8Array(32).fill(1)
    const summary = encodeSummary([{ author, maxSeq: 9, held: 7 }])
    expect(decodeSummary(summary)).toEqual([{ author, maxSeq: 9, held: 7 }])
    expect(() => decodeSummary(summary.subarray(0, summary.length - 1))).toThrow(MalformedError)
    const request = encodeRequest({ target: author, prekey: author, wanted: [{ author, seq: 3 }] })
    expect(decodeRequest(request).wanted).toEqual([{ author, seq: 3 }])
    expect(() => decodeRequest(request.subarray(0, 60))).toThrow(MalformedError)
    const synced = encodeSyncedMessages([{ epochId: author, signed: new Uint8Array([1, 2, 3]) }])
    expect(decodeSyncedMessages(synced)).toEqual([{ epochId: author, signed: new Uint8Array([1, 2, 3]) }])
    expect(() => decodeSyncedMessages(synced.subarray(0, synced.length - 1))).toThrow(MalformedError)
  })

  it('refuses a summary that holds more than its highest number', () => {
    const bad = encodeSummary([{ author: new Uint8Array(32), maxSeq: 2, held: 2 }])
    new DataView(bad.buffer).setUint32(2 + 32 + 4, 3)
    expect(() => decodeSummary(bad)).toThrow(MalformedError)
  })

  it('uses the sync kinds of the protocol', () => {
    expect([Kind.SyncSummary, Kind.SyncRequest, Kind.SyncData]).toEqual([5, 6, 7])
  })
})

describe.each([
  ['MemoryStore', async (): Promise<Store> => new MemoryStore()],
  ['IdbStore', async (): Promise<Store> => await IdbStore.open({ name: `sync-${Math.random()}` })]
])('%s heads and gaps', (_, open) => {
  it('reports the highest number, how many are held, and the holes', async () => {
    const store = await open()
    const base = { roomId: 'r', kind: 1, epoch: 'e', timestamp: 1, receivedAt: 1, body: new Uint8Array(), signature: new Uint8Array(), name: 'n', text: 't', state: 'received' as const }
    for (const seq of [1, 2, 5, 6, 9]) await store.addMessage({ ...base, author: 'a', seq })
    await store.addMessage({ ...base, author: 'b', seq: 1 })
    expect(await store.authorHead('r', 'a')).toEqual({ maxSeq: 9, count: 5 })
    expect(await store.authorHead('r', 'nobody')).toEqual({ maxSeq: 0, count: 0 })
    expect(await store.missingSeqs('r', 'a', 9, 100)).toEqual([3, 4, 7, 8])
    expect(await store.missingSeqs('r', 'a', 12, 100)).toEqual([3, 4, 7, 8, 10, 11, 12])
    expect(await store.missingSeqs('r', 'a', 12, 2)).toEqual([3, 4])
    expect((await store.getMessage('r', 'a', 5))?.seq).toBe(5)
    expect(await store.getMessage('r', 'a', 4)).toBeUndefined()
    await store.close()
  })
})

describe('answering a summary that shows a gap', () => {
  const roomId = 'r'
  const writer = 'aa'.repeat(32)

  /**
   * Members who only announce summaries, over a broadcast that hands each one to every other
   * member. `heads[i]` is how many of `writer`'s messages member i holds (1..n, no gaps); the
   * test may change it.
   */
  function summaryRoom (heads: number[]): { syncs: HistorySync[], sent: number[], heard: Array<Array<{ from: number, maxSeq: number }>> } {
    const sent = heads.map(() => 0)
    const heard: Array<Array<{ from: number, maxSeq: number }>> = heads.map(() => [])
    const keys = heads.map((_, i) => new Uint8Array(32).fill(i + 1))
    const syncs: HistorySync[] = heads.map((_, i) => new HistorySync({
      store: { authorHead: async (_room: string, author: string) => author === writer ? { maxSeq: heads[i], count: heads[i] } : { maxSeq: 0, count: 0 } } as unknown as Store,
      roomId,
      self: keys[i],
      prekey: () => ({ publicKey: keys[i], secretKey: keys[i] }),
      knownAuthors: () => [writer, ...keys.map(k => bytesToHex(k))],
      online: () => heads.length,
      epochById: () => undefined,
      send: async (kind, body) => {
        if (kind !== Kind.SyncSummary) return 0
        sent[i]++
        const maxSeq = decodeSummary(body).find(e => bytesToHex(e.author) === writer)?.maxSeq ?? 0
        for (let j = 0; j < syncs.length; j++) {
          if (j === i) continue
          heard[j].push({ from: i, maxSeq })
          await syncs[j].onSummary(keys[i], body)
        }
        return 1
      },
      take: async () => false,
      now: () => Date.now()
    }))
    return { syncs, sent, heard }
  }

  afterEach(() => { vi.useRealTimers() })

  it('is answered by one or two of the members who hold more, not by all of them', async () => {
    vi.useFakeTimers()
    // Member 0 holds nothing of what the 19 others hold.
    const { syncs, sent, heard } = summaryRoom([0, ...Array<number>(19).fill(5)])
    await syncs[0].announce(true)
    await vi.advanceTimersByTimeAsync(10_000)
    const answers = sent.slice(1).reduce((a, b) => a + b, 0)
    expect(answers).toBeGreaterThanOrEqual(1)
    expect(answers).toBeLessThanOrEqual(2)
    // and the member who lacked them heard where they are
    expect(heard[0].some(h => h.maxSeq === 5)).toBe(true)
    for (const s of syncs) s.stop()
  })

  it('is not answered once a summary showing as much has gone round', async () => {
    vi.useFakeTimers()
    const { syncs, sent } = summaryRoom([0, 5, 5, 5])
    await syncs[0].announce(true)
    // Before anyone answers, a member who holds as much announces on its own (a heartbeat).
    await syncs[3].announce(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(sent).toEqual([1, 0, 0, 1])
  })

  it('waits for messages in flight: a gap closed by the lagging member itself is not answered', async () => {
    vi.useFakeTimers()
    const heads = [3, 5, 5]
    const { syncs, sent } = summaryRoom(heads)
    await syncs[0].announce(true)
    // The two messages it lacked arrive (by gossip) and its next summary says so, within 0.4 s.
    await vi.advanceTimersByTimeAsync(400)
    heads[0] = 5
    await syncs[0].announce(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(sent).toEqual([2, 0, 0])
  })
})
