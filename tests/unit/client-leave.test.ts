import { afterEach, describe, expect, it } from 'vitest'
import { Client } from '../../src/client/client.js'
import { MemoryStore } from '../../src/store/memory-store.js'

let opened: Client[] = []
afterEach(async () => {
  for (const c of opened) await c.close()
  opened = []
})

async function open (store = new MemoryStore()): Promise<{ client: Client, store: MemoryStore }> {
  const client = await Client.open({ store })
  await client.setDisplayName('Ann')
  opened.push(client)
  return { client, store }
}

describe('Client leaving, settings and search', () => {
  it('leaves a room: it is forgotten and announced, and its history stays unless asked', async () => {
    const { client, store } = await open()
    const keep = await client.createRoom()
    const left = await client.createRoom()
    await left.send('before leaving')
    const lists: string[][] = []
    client.on('rooms', list => { lists.push(list.map(r => r.id)) })
    await client.leaveRoom(left.id)
    expect((await client.listRooms()).map(r => r.id)).toEqual([keep.id])
    expect(lists.at(-1)).toEqual([keep.id])
    expect(await client.openRoom(left.id)).toBeUndefined()
    expect(await store.latestMessages(left.id, 10)).toHaveLength(1)
  })

  it('deletes the history of a room it leaves when asked, and not other rooms\'', async () => {
    const { client, store } = await open()
    const keep = await client.createRoom()
    const left = await client.createRoom()
    await keep.send('stays')
    await left.send('goes')
    await client.leaveRoom(left.id, { deleteHistory: true })
    expect(await store.latestMessages(left.id, 10)).toEqual([])
    expect((await client.searchMessages('stays')).map(m => m.text)).toEqual(['stays'])
    expect(await client.searchMessages('goes')).toEqual([])
  })

  it('rejoins a room left earlier with its code, carrying on its sequence numbers', async () => {
    const { client } = await open()
    const room = await client.createRoom()
    const code = room.code.display
    const first = await room.send('one')
    await client.leaveRoom(room.id)
    const again = await client.joinRoom(code)
    expect(again.id).toBe(room.id)
    expect(again).not.toBe(room)
    const second = await again.send('two')
    expect(second.seq).toBe(first.seq + 1)
  })

  it('keeps the last read time and muted flag, and emits every stored message', async () => {
    const { client } = await open()
    const room = await client.createRoom()
    const seen: string[] = []
    client.on('message', m => { seen.push(m.text) })
    await room.send('hello')
    expect(seen).toEqual(['hello'])
    await client.updateRoom(room.id, { lastRead: 42, muted: true })
    const [record] = await client.listRooms()
    expect(record.lastRead).toBe(42)
    expect(record.muted).toBe(true)
    expect(await client.updateRoom('ff'.repeat(32), { muted: true })).toBeUndefined()
  })
})
