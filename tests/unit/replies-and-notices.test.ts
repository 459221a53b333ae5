/**
 * Replies, membership notices and avatar colours between members over the in-memory network:
 * what each member stores and shows, and what a forged or malformed one does.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Client } from '../../src/client/client.js'
import { Kind } from '../../src/protocol/bodies.js'
import { encodeMembershipBody, encodeReplyBody } from '../../src/protocol/conversation-bodies.js'
import { signMessage } from '../../src/protocol/envelope.js'
import type { MessageRecord } from '../../src/store/store.js'
import { Harness, chainedFrameFrom, handshake, waitFor } from './room-harness.js'
import type { Member } from './room-harness.js'
import { hexToBytes } from '../../src/bytes.js'

let h: Harness
afterEach(async () => { await h?.close() })

const find = async (m: Member, author: string, seq: number): Promise<MessageRecord | undefined> =>
  (await m.room.history(1_000)).find(r => r.author === author && r.seq === seq)

const notices = async (m: Member): Promise<Array<{ who: string, action: string | undefined }>> =>
  (await m.room.history(1_000)).filter(r => r.kind === Kind.Membership).map(r => ({ who: r.name, action: r.membership }))

describe('replies', () => {
  it('arrive with the message they quote, and can be edited, reacted to, searched and deleted like any message', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    const question = await ann.room.send('lunch at noon?')
    await waitFor(async () => (await find(bob, ann.key, question.seq)) !== undefined, 'the question')
    const answer = await bob.room.reply(ann.key, question.seq, 'yes, see you there')
    expect(answer.kind).toBe(Kind.Reply)
    await waitFor(async () => (await find(ann, bob.key, answer.seq)) !== undefined, 'the reply')
    const received = await find(ann, bob.key, answer.seq)
    expect(received).toMatchObject({ name: 'Bob', text: 'yes, see you there', replyTo: { author: ann.key, seq: question.seq } })

    await bob.room.edit(answer.seq, 'yes, see you at 12')
    await ann.room.react(bob.key, answer.seq, '👍', true)
    for (const m of [ann, bob]) {
      await waitFor(async () => {
        const r = await find(m, bob.key, answer.seq)
        return r?.text === 'yes, see you at 12' && (r.reactions?.['👍'] ?? []).includes(ann.key)
      }, `${m.name} to see the edit and the reaction`)
      expect((await find(m, bob.key, answer.seq))?.replyTo).toEqual({ author: ann.key, seq: question.seq })
    }
    expect((await ann.client.searchMessages('see you at')).map(r => r.seq)).toEqual([answer.seq])

    await bob.room.deleteMessage(answer.seq)
    await waitFor(async () => (await find(ann, bob.key, answer.seq))?.deleted === true, 'the deletion')
    expect((await find(ann, bob.key, answer.seq))?.text).toBe('')
  })

  it('still shows a reply to a message this device never held', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    const reply = await bob.room.reply(ann.key, 999, 'answering something you lost')
    await waitFor(async () => (await find(ann, bob.key, reply.seq)) !== undefined, 'the reply')
    expect(await find(ann, bob.key, reply.seq)).toMatchObject({ text: 'answering something you lost', replyTo: { author: ann.key, seq: 999 } })
  })

  it('rejects a malformed reply without storing it, and never takes a notice as a target', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    const epoch = bob.room.epoch
    const good = encodeReplyBody({ targetAuthor: hexToBytes(ann.key), targetSeq: 1, name: 'Bob', text: 'hi' })
    const truncated = await signMessage(bob.identity, epoch.epochId, { kind: Kind.Reply, seq: 1, timestamp: Date.now(), body: good.subarray(0, 30) })
    expect(await ann.room.receive(chainedFrameFrom(bob, epoch, truncated))).toBe('reject')
    const badNotice = await signMessage(bob.identity, epoch.epochId, { kind: Kind.Membership, seq: 2, timestamp: Date.now(), body: Uint8Array.of(9, 1, 0x42) })
    expect(await ann.room.receive(chainedFrameFrom(bob, epoch, badNotice))).toBe('reject')
    expect(await ann.store.hasMessage(ann.room.id, bob.key, 1)).toBe(false)
    expect(await ann.store.hasMessage(ann.room.id, bob.key, 2)).toBe(false)

    // A notice is in the log, but nobody can react to it or edit it.
    const notice = await signMessage(bob.identity, epoch.epochId, { kind: Kind.Membership, seq: 3, timestamp: Date.now(), body: encodeMembershipBody({ action: 'joined', name: 'Bob' }) })
    expect(await ann.room.receive(chainedFrameFrom(bob, epoch, notice))).toBe('accept')
    await ann.room.react(bob.key, 3, '🎉', true)
    expect((await find(ann, bob.key, 3))?.reactions).toBeUndefined()
    await expect(bob.room.edit(3, 'x')).rejects.toThrow(RangeError)
  })
})

describe('join and leave notices', () => {
  it('are stored once per join, reach members there and members who come later (history sync), in order', async () => {
    h = new Harness()
    // One clock that never repeats a millisecond: joins a moment apart could otherwise share one,
    // and messages with the same time are ordered by their authors' (random) keys.
    let last = 0
    const now = (): number => (last = Math.max(Date.now(), last + 1))
    const [ann, bob] = await h.group(['Ann', 'Bob'], { membershipNotices: true, now })
    for (const m of [ann, bob]) {
      await waitFor(async () => (await notices(m)).length === 2, `${m.name} to hold both join notices`)
      expect(await notices(m)).toEqual([{ who: 'Ann', action: 'joined' }, { who: 'Bob', action: 'joined' }])
    }
    await ann.room.send('welcome')

    // Cat comes later: the notices written before she was there arrive by history sync.
    const cat = await h.member('Cat', { membershipNotices: true, now })
    await h.enter(cat, ann.room.code.display)
    cat.client.attachTransport(cat.transport)
    await handshake([ann, bob, cat])
    await waitFor(async () => (await notices(cat)).length === 3, 'Cat to hold three join notices', 10_000)
    expect(await notices(cat)).toEqual([{ who: 'Ann', action: 'joined' }, { who: 'Bob', action: 'joined' }, { who: 'Cat', action: 'joined' }])
    expect((await cat.room.history()).map(r => r.text || r.membership)).toEqual(['joined', 'joined', 'welcome', 'joined'])

    // Opening a room already joined (a restart) adds nothing.
    const again = await ann.client.openRoom(ann.room.id)
    expect(again).toBe(ann.room)
    const reopened = await Client.open({ store: ann.store, membershipNotices: true })
    await (await reopened.openRoom(ann.room.id))?.stop()
    expect((await ann.store.latestMessages(ann.room.id, 100)).filter(r => r.author === ann.key && r.kind === Kind.Membership)).toHaveLength(1)
    // Searching a name finds what the person wrote, not the notices.
    expect((await ann.client.searchMessages('cat')).filter(r => r.kind === Kind.Membership)).toEqual([])
  })

  it('say "left" to the others when a member leaves, who then show them offline', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'], { membershipNotices: true })
    await waitFor(async () => (await notices(ann)).length === 2, 'both join notices')
    await waitFor(() => ann.room.members().find(m => m.key === bob.key)?.online === true, 'Bob online')
    await bob.client.leaveRoom(bob.room.id)
    await waitFor(async () => (await notices(ann)).some(n => n.who === 'Bob' && n.action === 'left'), 'the leave notice')
    expect(ann.room.members().find(m => m.key === bob.key)?.online).toBe(false)
  })

  it('are not posted by a client that did not ask for them', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    await ann.room.send('hi')
    await waitFor(async () => (await bob.room.history()).length === 1, 'the message')
    expect(await notices(bob)).toEqual([])
  })
})

describe('avatar colour', () => {
  it('is kept with the name, and others see a change at once and keep it across messages', async () => {
    h = new Harness()
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    await waitFor(() => bob.room.members().some(m => m.key === ann.key), 'Bob to know Ann')
    expect(bob.room.members().find(m => m.key === ann.key)?.colour).toBe(0)
    await ann.client.setAvatarColour(6)
    expect(ann.room.members().find(m => m.self)?.colour).toBe(6)
    await waitFor(() => bob.room.members().find(m => m.key === ann.key)?.colour === 6, 'Bob to see the colour')
    await ann.room.send('still blue?')
    await waitFor(async () => (await bob.room.history()).length === 1, 'the message')
    expect(bob.room.members().find(m => m.key === ann.key)?.colour).toBe(6)
    expect((await bob.store.listMembers(bob.room.id)).find(m => m.key === ann.key)?.colour).toBe(6)

    const reopened = await Client.open({ store: ann.store })
    expect(reopened.avatarColour).toBe(6)
    await expect(ann.client.setAvatarColour(99)).rejects.toThrow(RangeError)

    await ann.client.setAvatarColour(0)
    await waitFor(() => bob.room.members().find(m => m.key === ann.key)?.colour === 0, 'Bob to see the default again')
  })
})
