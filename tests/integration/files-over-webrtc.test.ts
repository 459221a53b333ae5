/**
 * Files between real Node peers over real WebRTC, through a real relay process: the content
 * goes directly from holder to downloader on /meshchat/file/1.0.0, never through gossip, and a
 * download whose serving peer stops mid-transfer carries on with another holder.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { FileTransfers } from '../../src/files/file-transfers.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { ReplyStatus } from '../../src/files/file-wire.js'
import { downloadFile, sendFile } from '../../src/files/room-files.js'
import { Kind } from '../../src/protocol/bodies.js'
import { decodeFileBody } from '../../src/protocol/file-body.js'
import type { FileBody } from '../../src/protocol/file-body.js'
import type { Room } from '../../src/room/room.js'
import type { MessageRecord } from '../../src/store/store.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { startNodePeer, waitFor, waitForPeers } from '../helpers/node-peer.js'
import type { NodePeer } from '../helpers/node-peer.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

type Serve = (request: Uint8Array, from: string) => AsyncGenerator<Uint8Array>

/** Byte-for-byte equality, fast on megabytes (deep equality is not). */
function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

describe('files over WebRTC through a real relay', () => {
  let relay: RelayProcess
  const peers: NodePeer[] = []
  const rooms: Room[] = []
  const received: MessageRecord[][] = []
  const stopped = new Set<NodePeer>()
  const content = new Uint8Array(randomBytes(3 * 1024 * 1024 + 777))
  let file: FileBody

  beforeAll(async () => {
    relay = await startRelayProcess()
    for (const name of ['Ada', 'Ben', 'Cleo']) peers.push(await startNodePeer(name, relay.multiaddrs))
    const first = await peers[0].client.createRoom()
    rooms.push(first)
    for (const peer of peers.slice(1)) rooms.push(await peer.client.joinRoom(first.code.display))
    rooms.forEach((room, i) => {
      received[i] = []
      room.on('message', m => { if (m.state === 'received') received[i].push(m) })
    })
    await waitForPeers(rooms, 2)
  }, 60_000)

  afterAll(async () => {
    await Promise.all(peers.filter(p => !stopped.has(p)).map(async p => { await p.stop() }))
    await relay?.stop()
  })

  it('sends a few-MB file that arrives intact, chunk by chunk, straight from the sender', async () => {
    const published: number[] = []
    const publish = peers[0].transport.publish.bind(peers[0].transport)
    peers[0].transport.publish = async (topic, frame) => { published.push(frame.length); return await publish(topic, frame) }
    const sent = await sendFile(await peers[0].client.loadFiles(), rooms[0], content, { fileName: 'video.mp4', mime: 'video/mp4', caption: 'from the trip' })
    expect(sent.state).toBe('sent')
    peers[0].transport.publish = publish
    // Only the small File message went through gossip, not the content.
    expect(Math.max(...published)).toBeLessThan(2_000)

    await waitFor(() => received[1].some(m => m.kind === Kind.File), 15_000, () => 'the file message at Ben')
    file = decodeFileBody(received[1].find(m => m.kind === Kind.File)!.body)
    const progress: number[] = []
    const benFiles = await peers[1].client.loadFiles()
    benFiles.on('progress', p => { progress.push(p.held) })
    const result = await downloadFile(benFiles, rooms[1], file)
    expect(result.status).toBe('complete')
    expect(sameBytes(await (await peers[1].client.loadFiles()).read(file), content)).toBe(true)
    expect(progress[progress.length - 1]).toBe(49)
    expect(progress.length).toBeGreaterThan(10)
    expect((await peers[0].client.loadFiles()).state(bytesToHex(file.fileId))).toMatchObject({ served: 49, servedPeers: 1 })
  }, 120_000)

  it('continues from the next missing chunk with another holder when the serving peer stops mid-transfer', async () => {
    const [ada, ben, cleo] = peers
    await waitFor(() => received[2].some(m => m.kind === Kind.File), 15_000, () => 'the file message at Cleo')
    const cleoFiles = await cleo.client.loadFiles()
    const cleoHolds = (): number => cleoFiles.state(bytesToHex(file.fileId))?.held ?? 0
    // Whichever holder serves Cleo first stops in the middle of a reply, once Cleo holds the 14
    // chunks it sent (chunks written just before a peer stops may otherwise never arrive).
    const servedBy = new Map<NodePeer, number>()
    let stoppedOne: NodePeer | undefined
    for (const holder of [ada, ben]) {
      const files = await holder.client.loadFiles()
      const serve = (files as unknown as { serve: Serve }).serve.bind(files)
      holder.transport.direct.handle(async function * (request, from) {
        for await (const frame of serve(request, from)) {
          if (frame[0] === ReplyStatus.Chunk) {
            const count = (servedBy.get(holder) ?? 0) + 1
            servedBy.set(holder, count)
            if (count === 15 && stoppedOne === undefined) {
              stoppedOne = holder
              stopped.add(holder)
              await waitFor(() => cleoHolds() >= 14, 10_000, () => `Cleo holds ${cleoHolds()} chunks`)
              await holder.stop()
              return
            }
          }
          yield frame
        }
      })
    }
    const result = await downloadFile(cleoFiles, rooms[2], file)
    expect(result.status).toBe('complete')
    expect(sameBytes(await cleoFiles.read(file), content)).toBe(true)
    expect(stoppedOne).toBeDefined()
    const other = stoppedOne === ada ? ben : ada
    // The survivor served exactly the rest: everything after the 14 chunks the first one delivered.
    expect(servedBy.get(other)).toBe(49 - 14)
  }, 120_000)

  it('says plainly that the file is unavailable when its only holder has left, instead of hanging', async () => {
    const cleo = peers[2]
    const holder = peers.slice(0, 2).find(p => !stopped.has(p))!
    const room = rooms[peers.indexOf(holder)]
    const before = received[2].filter(m => m.kind === Kind.File).length
    await sendFile(await holder.client.loadFiles(), room, new Uint8Array(randomBytes(200_000)), { fileName: 'gone.bin', mime: 'application/octet-stream', caption: '' })
    await waitFor(() => received[2].filter(m => m.kind === Kind.File).length > before, 15_000, () => 'the second file message at Cleo')
    const second = decodeFileBody(received[2].filter(m => m.kind === Kind.File)[before].body)
    stopped.add(holder)
    await holder.stop()
    // Quick retries, so the test does not wait out the app's patience.
    const files = new FileTransfers(new MemoryStore(), { retryIntervalMs: 200, maxIdleAttempts: 3 })
    files.attach(cleo.transport.direct)
    const result = await files.download(second, () => [rooms[2].epoch.topic])
    expect(result).toMatchObject({ status: 'unavailable', held: 0, error: 'Nobody online has this file right now.' })
  }, 60_000)
})
