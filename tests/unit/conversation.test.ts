/**
 * Edits, deletions, reactions, typing and read receipts, between members over the in-memory
 * network, and the rule that only an author can change their own messages.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { MalformedError } from '../../src/errors.js'
import { Kind } from '../../src/protocol/bodies.js'
import {
  decodeDeleteBody, decodeEditBody, decodeReactionBody, decodeReceiptBody, encodeDeleteBody, encodeEditBody,
  encodeReactionBody, encodeReceiptBody
} from '../../src/protocol/content-bodies.js'
import { signMessage } from '../../src/protocol/envelope.js'
import type { MessageRecord } from '../../src/store/store.js'
import { Harness, chainedFrameFrom, waitFor } from './room-harness.js'
import type { Member } from './room-harness.js'

let h: Harness
afterEach(async () => { await h?.close() })

const find = async (m: Member, author: string, seq: number): Promise<MessageRecord | undefined> =>
  (await m.room.history(1_000)).find(r => r.author === author && r.seq === seq)

describe('conversation kinds', () => {
  it('shows an edit on every member, marked edited', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    const sent = await ann.room.send('helo')
    await waitFor(async () => (await find(bob, ann.key, sent.seq)) !== undefined, 'the message')
    await ann.room.edit(sent.seq, 'hello')
    for (const m of [ann, bob]) {
      await waitFor(async () => (await find(m, ann.key, sent.seq))?.text === 'hello', `${m.name} to see the edit`)
      expect((await find(m, ann.key, sent.seq))?.editedAt).toBeGreaterThan(0)
    }
  })

  it('lets nobody edit or delete someone else\'s message: an edit always names its own author', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    const annMessage = await ann.room.send('Ann wrote this')
    const bobMessage = await bob.room.send('Bob wrote this')
    await waitFor(async () => (await find(ann, bob.key, bobMessage.seq)) !== undefined && (await find(bob, ann.key, annMessage.seq)) !== undefined, 'both messages')
    // The UI refuses, and so does the room: Bob has no message with Ann's number... of his own.
    await expect(bob.room.edit(annMessage.seq + 5, 'x')).rejects.toThrow(RangeError)
    // Bob crafts an edit "of seq 1" by hand: it can only ever refer to Bob's own seq 1.
    const epoch = bob.room.epoch
    const forged = await signMessage(bob.identity, epoch.epochId, { kind: Kind.Edit, seq: 50, timestamp: Date.now(), body: encodeEditBody({ target: annMessage.seq, text: 'Ann says something else' }) })
    await ann.room.receive(chainedFrameFrom(bob, epoch, forged))
    expect((await find(ann, ann.key, annMessage.seq))?.text).toBe('Ann wrote this')
    // and an edit that claims to be Ann's but is signed by Bob is not taken
    const claimed = { ...forged, author: ann.identity.publicKey }
    expect(await bob.room.receive(chainedFrameFrom(bob, epoch, claimed))).not.toBe('accept')
    expect((await find(ann, ann.key, annMessage.seq))?.text).toBe('Ann wrote this')
  })

  it('deletes a message everywhere, leaving a tombstone without its text', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    const sent = await ann.room.send('oops, wrong room')
    await waitFor(async () => (await find(bob, ann.key, sent.seq)) !== undefined, 'the message')
    await ann.room.deleteMessage(sent.seq)
    for (const m of [ann, bob]) {
      await waitFor(async () => (await find(m, ann.key, sent.seq))?.deleted === true, `${m.name} to see the deletion`)
      const stored = await m.store.getMessage(m.room.id, ann.key, sent.seq)
      expect(stored?.text).toBe('')
      expect(stored?.body).toHaveLength(0)
    }
    await expect(ann.room.edit(sent.seq, 'back')).rejects.toThrow(RangeError)
  })

  it('counts reactions per emoji, with who reacted, and toggles them', async () => {
    h = new Harness()
    const [ann, bob, cat] = await h.group(['Ann', 'Bob', 'Cat'])
    const sent = await ann.room.send('lunch?')
    await waitFor(async () => (await find(cat, ann.key, sent.seq)) !== undefined, 'the message')
    await bob.room.react(ann.key, sent.seq, '👍', true)
    await cat.room.react(ann.key, sent.seq, '👍', true)
    await cat.room.react(ann.key, sent.seq, '🎉', true)
    await waitFor(async () => ((await find(ann, ann.key, sent.seq))?.reactions?.['👍'] ?? []).length === 2, 'two thumbs')
    await cat.room.react(ann.key, sent.seq, '🎉', false)
    await waitFor(async () => (await find(ann, ann.key, sent.seq))?.reactions?.['🎉'] === undefined, 'the party to end')
    const reactions = (await find(ann, ann.key, sent.seq))?.reactions
    expect(new Set(reactions?.['👍'])).toEqual(new Set([bob.key, cat.key]))
  })

  it('shows who is typing, and stops when they send', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    let typing: string[] = []
    bob.room.on('typing', keys => { typing = keys })
    await ann.room.setTyping(true)
    await waitFor(() => typing.includes(ann.key), 'Ann typing')
    await ann.room.send('done')
    await waitFor(() => !typing.includes(ann.key), 'Ann no longer typing')
    expect(await bob.store.hasMessage(bob.room.id, ann.key, 0)).toBe(false) // never stored
  })

  it('tells an author who has seen their message', async () => {
    h = new Harness()
    const [ann, bob, cat] = await h.group(['Ann', 'Bob', 'Cat'])
    const sent = await ann.room.send('read me')
    await waitFor(async () => (await find(bob, ann.key, sent.seq)) !== undefined, 'Bob to have it')
    await bob.room.markRead()
    await waitFor(() => ann.room.seenBy(sent.seq).includes(bob.key), 'Bob\'s receipt')
    expect(ann.room.seenBy(sent.seq)).not.toContain(cat.key)
  })

  it('carries edits, deletions and reactions to a member who was away', async () => {
    h = new Harness()
    const [ann, bob, cat] = await h.group(['Ann', 'Bob', 'Cat'])
    const first = await ann.room.send('first')
    const second = await ann.room.send('second')
    await waitFor(async () => (await find(cat, ann.key, second.seq)) !== undefined, 'Cat to have both')
    cat.transport.setOnline(false)
    await ann.room.edit(first.seq, 'first, edited')
    await ann.room.deleteMessage(second.seq)
    await bob.room.react(ann.key, first.seq, '❤️', true)
    cat.transport.setOnline(true)
    await waitFor(async () => {
      const f = await find(cat, ann.key, first.seq)
      const s = await find(cat, ann.key, second.seq)
      return f?.text === 'first, edited' && s?.deleted === true && (f.reactions?.['❤️'] ?? []).includes(bob.key)
    }, 'Cat to catch up on the changes')
  })
})

describe('conversation bodies', () => {
  it('round-trip and reject what is malformed', () => {
    const author = new Uint8Array(32).fill(7)
    expect(decodeEditBody(encodeEditBody({ target: 3, text: 'new' }))).toEqual({ target: 3, text: 'new' })
    expect(decodeDeleteBody(encodeDeleteBody({ target: 9 }))).toEqual({ target: 9 })
    expect(decodeReactionBody(encodeReactionBody({ author, target: 2, on: true, emoji: '👍' }))).toEqual({ author, target: 2, on: true, emoji: '👍' })
    expect(decodeReceiptBody(encodeReceiptBody({ readUpTo: [{ author, seq: 4 }] }))).toEqual({ readUpTo: [{ author, seq: 4 }] })
    expect(() => decodeEditBody(Uint8Array.of(0, 0, 0, 1))).toThrow(MalformedError)
    expect(() => decodeDeleteBody(Uint8Array.of(0, 0, 0, 0))).toThrow(MalformedError)
    expect(() => decodeReactionBody(new Uint8Array(10))).toThrow(MalformedError)
    expect(() => decodeReceiptBody(Uint8Array.of(2, 1))).toThrow(MalformedError)
    expect(() => encodeReactionBody({ author, target: 1, on: true, emoji: 'x'.repeat(40) })).toThrow(RangeError)
  })
})
