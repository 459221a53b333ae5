/**
 * Faults, with real peers over real WebRTC and a real relay process: the relay going away and
 * coming back, a member whose device sleeps through part of the conversation, a message written
 * while offline. Times are printed (and written to test-results/faults-timing.json), not asserted.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../../src/client/client.js'
import type { Room } from '../../src/room/room.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { sleep, startNodePeer, waitFor, waitForPeers } from '../helpers/node-peer.js'
import type { NodePeer } from '../helpers/node-peer.js'

const timings: Record<string, number> = {}

describe('a room through relay restarts, sleep and offline writing', () => {
  let relay: RelayProcess
  const peers: NodePeer[] = []
  const rooms: Room[] = []
  // Each member's device storage, kept across its node going down and coming back.
  const stores = [new MemoryStore(), new MemoryStore()]
  const texts = async (room: Room): Promise<string[]> => (await room.history(10_000)).map(m => m.text)
  const arrives = async (room: Room, text: string, timeoutMs = 20_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    while (!(await texts(room)).includes(text)) {
      if (Date.now() > deadline) throw new Error(`"${text}" did not arrive`)
      await sleep(100)
    }
  }

  beforeAll(async () => {
    relay = await startRelayProcess()
    for (const [i, name] of ['Ada', 'Ben'].entries()) peers.push(await startNodePeer(name, relay.multiaddrs, { store: stores[i] }))
    rooms.push(await peers[0].client.createRoom())
    rooms.push(await peers[1].client.joinRoom(rooms[0].code.display))
    await waitForPeers(rooms, 1)
    await rooms[0].send('before anything happens')
    await arrives(rooms[1], 'before anything happens')
  }, 60_000)

  afterAll(async () => {
    await Promise.all(peers.map(async p => { await p.stop() }))
    await relay?.stop()
    mkdirSync('test-results', { recursive: true })
    writeFileSync('test-results/faults-timing.json', JSON.stringify(timings, null, 2))
    console.log('fault timings (ms):', timings)
  })

  it('keeps members chatting while the relay is down', async () => {
    await relay.stop()
    await rooms[0].send('relay is gone')
    await arrives(rooms[1], 'relay is gone')
    await rooms[1].send('still here')
    await arrives(rooms[0], 'still here')
    expect((await rooms[1].history()).filter(m => m.text === 'relay is gone')).toHaveLength(1)
  })

  it('lets a newcomer reach the old members once the relay is back, without anyone reloading', async () => {
    const restartedAt = Date.now()
    relay = await relay.restart()
    // The old members re-make their reservations and rendezvous registrations on their own.
    await waitFor(() => peers.slice(0, 2).every(p => p.node.getMultiaddrs().some(a => a.toString().includes(`${relay.peerId}/p2p-circuit/webrtc`))),
      30_000, () => 'old members to hold reservations again')
    timings.reservationsBackAfterRelayRestart = Date.now() - restartedAt

    const cleo = await startNodePeer('Cleo', relay.multiaddrs)
    peers.push(cleo)
    const joinedAt = Date.now()
    const room = await cleo.client.joinRoom(rooms[0].code.display)
    rooms.push(room)
    await waitForPeers([room], 2, 30_000)
    timings.newcomerMeetsBothAfterJoin = Date.now() - joinedAt
    await room.send('hello after the restart')
    await arrives(rooms[0], 'hello after the restart')
    await arrives(rooms[1], 'hello after the restart')
    // and the newcomer got the history from before it joined
    await arrives(room, 'before anything happens')
    await arrives(room, 'relay is gone')
  }, 90_000)

  it('catches up a member whose device slept through part of the conversation, in order, once each', async () => {
    // Ben's device sleeps: its node and client stop; what it stored stays.
    await peers[1].stop()
    const sent: string[] = []
    for (let i = 1; i <= 20; i++) {
      const text = `while Ben slept ${i}`
      sent.push(text)
      await rooms[i % 2 === 0 ? 0 : 2].send(text)
    }
    const wokeAt = Date.now()
    const woken = await startNodePeer('Ben', relay.multiaddrs, { store: stores[1] })
    peers[1] = woken
    const room = (await woken.client.openRoom(rooms[1].id))!
    rooms[1] = room
    for (const text of sent) await arrives(room, text, 30_000)
    timings.catchUpOf20AfterWake = Date.now() - wokeAt
    const history = await room.history(10_000)
    const caught = history.filter(m => m.text.startsWith('while Ben slept'))
    expect(caught.map(m => m.text).sort()).toEqual([...sent].sort())
    // In order: by the authors' clocks, and each author's messages as written. (Two people's
    // messages written in the same millisecond have no order of their own; ties go by author key.)
    for (let i = 1; i < caught.length; i++) expect(caught[i].timestamp).toBeGreaterThanOrEqual(caught[i - 1].timestamp)
    for (const author of new Set(caught.map(m => m.author))) {
      const theirs = caught.filter(m => m.author === author).map(m => m.text)
      expect(theirs).toEqual(sent.filter(text => theirs.includes(text)))
    }
    expect(new Set(history.map(m => `${m.author}/${m.seq}`)).size).toBe(history.length)
  }, 90_000)

  it('sends what a member wrote while offline when the room is reachable again, exactly once', async () => {
    await peers[0].stop()
    // Ada, offline, opens the app from her stored data and writes.
    const offline = await Client.open({ store: stores[0] })
    const room = (await offline.openRoom(rooms[0].id))!
    const written = await room.send('written offline')
    expect(written.state).toBe('pending')
    await offline.close()

    const back = await startNodePeer('Ada', relay.multiaddrs, { store: stores[0] })
    peers[0] = back
    const reopened = (await back.client.openRoom(rooms[0].id))!
    rooms[0] = reopened
    await arrives(rooms[1], 'written offline', 30_000)
    await arrives(rooms[2], 'written offline', 30_000)
    await sleep(1_000) // a duplicate would arrive in this window
    for (const r of [rooms[1], rooms[2]]) expect((await texts(r)).filter(t => t === 'written offline')).toHaveLength(1)
    const mine = (await reopened.history()).find(m => m.text === 'written offline')!
    expect(mine.state).toBe('sent')
  }, 90_000)
})
