/**
 * Served next to the app (same origin, so the same IndexedDB): creates a room with the app's
 * Client over the app's IdbStore and writes `count` text messages from a few authors into it.
 * Signatures are random bytes of the right length: the store keeps them and never checks them,
 * and the room view does not either.
 */
import { Client } from '../../src/client/client.js'
import { bytesToHex } from '../../src/bytes.js'
import { Kind, encodeTextBody } from '../../src/protocol/bodies.js'
import { IdbStore } from '../../src/store/idb-store.js'
import type { MessageRecord } from '../../src/store/store.js'
import { firstEpochHex } from '../lib/envelope.js'

interface FillResult {
  roomId: string
  written: number
  ms: number
  latestText: string
}

async function fill (count: number, batch: number, maxMs: number): Promise<FillResult> {
  const store = await IdbStore.open()
  const client = await Client.open({ store })
  await client.setDisplayName('Reader')
  const room = await client.createRoom()
  const authors = Array.from({ length: 5 }, () => bytesToHex(crypto.getRandomValues(new Uint8Array(32))))
  const epoch = firstEpochHex(room.code)
  const names = ['Ada', 'Ben', 'Cleo', 'Dev', 'Eve']
  const start = performance.now()
  const base = Date.now() - count * 1_000
  let written = 0
  let latestText = ''
  while (written < count && performance.now() - start < maxMs) {
    const chunk: MessageRecord[] = []
    for (let i = 0; i < batch && written + i < count; i++) {
      const n = written + i
      const a = n % authors.length
      const text = `Message ${n} of the history benchmark, a line of ordinary chat length.`
      chunk.push(<MessageRecord>{
        roomId: room.id,
        author: authors[a],
        seq: Math.floor(n / authors.length) + 1,
        kind: Kind.Text,
        ...(epoch === undefined ? {} : { epoch }),
        timestamp: base + n * 1_000,
        receivedAt: base + n * 1_000,
        body: encodeTextBody({ name: names[a], text }),
        signature: crypto.getRandomValues(new Uint8Array(64)),
        name: names[a],
        text,
        state: 'received'
      })
      latestText = text
    }
    await Promise.all(chunk.map(async m => await store.addMessage(m)))
    written += chunk.length
  }
  const ms = performance.now() - start
  await client.close()
  await store.close()
  return { roomId: room.id, written, ms, latestText }
}

(globalThis as unknown as { benchFill: typeof fill }).benchFill = fill
document.body.dataset.ready = 'true'
