import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { sealChunk } from '../../src/files/chunk-seal.js'
import { FileTransfers } from '../../src/files/file-transfers.js'
import type { FileProgress } from '../../src/files/file-transfers.js'
import { ReplyStatus, encodeChunkReply, encodeChunkRequest } from '../../src/files/file-wire.js'
import { downloadFile, sendFile } from '../../src/files/room-files.js'
import { MemoryNetwork } from '../../src/net/memory-network.js'
import type { MemoryTransport } from '../../src/net/memory-network.js'
import { Kind } from '../../src/protocol/bodies.js'
import { decodeFileBody } from '../../src/protocol/file-body.js'
import type { FileBody } from '../../src/protocol/file-body.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { signMessage } from '../../src/protocol/envelope.js'
import { encodeFileBody } from '../../src/protocol/file-body.js'
import { Harness, chainedFrameFrom, plainFrame, waitFor } from './room-harness.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

const TOPIC = 'room-topic'
const CHUNK = 4096

function content (size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 13 + seed) & 0xff
  return out
}

interface Peer { transport: MemoryTransport, store: MemoryStore, files: FileTransfers, seen: FileProgress[] }

/** Byte-for-byte equality, fast on megabytes (deep equality is not). */
function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

describe('FileTransfers over a memory network', () => {
  let network: MemoryNetwork
  const peers: Peer[] = []

  function peer (): Peer {
    const transport = network.createTransport()
    transport.subscribe(TOPIC, { rendezvous: new Uint8Array(32), onFrame: async () => 'accept', onPeers: () => {} })
    const store = new MemoryStore()
    const files = new FileTransfers(store, { retryIntervalMs: 10, maxIdleAttempts: 3 })
    files.attach(transport.direct)
    const seen: FileProgress[] = []
    files.on('progress', p => { seen.push(p) })
    const p = { transport, store, files, seen }
    peers.push(p)
    return p
  }

  async function offer (sender: Peer, bytes: Uint8Array): Promise<FileBody> {
    const prepared = await sender.files.prepare(bytes, CHUNK)
    return { ...prepared, name: 'Ann', fileName: 'data.bin', mime: 'application/octet-stream', caption: '' }
  }

  beforeEach(() => { network = new MemoryNetwork() })
  afterEach(() => { peers.length = 0 })

  it('downloads a file from its sender, keeping every chunk as it arrives, with progress to the end', async () => {
    const [ann, bob] = [peer(), peer()]
    const bytes = content(20 * CHUNK + 123)
    const file = await offer(ann, bytes)
    const result = await bob.files.download(file, () => [TOPIC])
    expect(result.status).toBe('complete')
    expect(sameBytes(await bob.files.read(file), bytes)).toBe(true)
    expect(await bob.store.fileChunkIndexes(bytesToHex(file.fileId))).toHaveLength(21)
    const held = bob.seen.map(p => p.held)
    expect(held[held.length - 1]).toBe(21)
    expect(held.slice(1, -1).every((n, i) => n >= held[i])).toBe(true)
    // The sender sees the file served in full to one peer.
    expect(ann.files.state(bytesToHex(file.fileId))).toMatchObject({ status: 'sending', served: 21, servedPeers: 1 })
  })

  it('continues from the next missing chunk with another holder when the serving peer leaves mid-transfer', async () => {
    const [ann, bob, cat] = [peer(), peer(), peer()]
    const bytes = content(80 * CHUNK)
    const file = await offer(ann, bytes)
    await bob.files.download(file, () => [TOPIC])
    // Bob is away when Cat starts, so Ann serves; Ann leaves after 30 chunks and Bob is back.
    let servedByAnn = 0
    const annHandler = (ann.transport as unknown as { directHandler: (r: Uint8Array, f: string) => AsyncIterable<Uint8Array> }).directHandler
    ann.transport.direct.handle(async function * (request, from) {
      for await (const frame of annHandler(request, from)) {
        if (frame[0] === ReplyStatus.Chunk && ++servedByAnn === 30) ann.transport.setOnline(false)
        yield frame
      }
    })
    bob.transport.setOnline(false)
    const catDownload = cat.files.download(file, () => [TOPIC])
    await waitFor(() => !ann.transport.online, 'Ann to leave')
    bob.transport.setOnline(true)
    const result = await catDownload
    expect(result.status).toBe('complete')
    expect(sameBytes(await cat.files.read(file), bytes)).toBe(true)
    expect(servedByAnn).toBeGreaterThanOrEqual(30)
    expect(servedByAnn).toBeLessThan(80)
  })

  it('forgets a deleted file: drops its chunks, stops a download under way, and neither fetches nor serves it again', async () => {
    const [ann, bob, cat] = [peer(), peer(), peer()]
    const file = await offer(ann, content(60 * CHUNK))
    const id = bytesToHex(file.fileId)
    // Ann serves slowly, so Bob's download is still running when he deletes the file.
    const annHandler = (ann.transport as unknown as { directHandler: (r: Uint8Array, f: string) => AsyncIterable<Uint8Array> }).directHandler
    ann.transport.direct.handle(async function * (request, from) {
      for await (const frame of annHandler(request, from)) {
        await new Promise(resolve => setTimeout(resolve, 5))
        yield frame
      }
    })
    const bobDownload = bob.files.download(file, () => [TOPIC])
    await waitFor(() => (bob.files.state(id)?.held ?? 0) >= 3, 'Bob to hold a few chunks')
    await bob.files.discard(id)
    expect(await bobDownload).toMatchObject({ status: 'failed', held: 0, error: 'This file was deleted.' })
    expect(await bob.store.fileChunkIndexes(id)).toEqual([])
    expect(await bob.files.isComplete(id)).toBe(false)
    expect(await bob.files.download(file, () => [TOPIC])).toMatchObject({ status: 'failed', error: 'This file was deleted.' })
    expect(await bob.store.fileChunkIndexes(id)).toEqual([])

    await ann.files.discard(id)
    expect(await ann.store.fileChunkIndexes(id)).toEqual([])
    expect(await ann.files.isComplete(id)).toBe(false)
    // Nobody holds it now: Cat, who never deleted it, hears from Ann that she does not have it.
    expect((await cat.files.download(file, () => [TOPIC])).status).toBe('unavailable')
    expect(await cat.store.fileChunkIndexes(id)).toEqual([])
  })

  it('says plainly that nobody has the file when no connected peer holds it, and resumes on retry', async () => {
    const [ann, bob] = [peer(), peer()]
    const file = await offer(ann, content(10 * CHUNK))
    ann.transport.setOnline(false)
    const result = await bob.files.download(file, () => [TOPIC])
    expect(result.status).toBe('unavailable')
    expect(result.error).toMatch(/Nobody online has this file/)
    ann.transport.setOnline(true)
    expect((await bob.files.download(file, () => [TOPIC])).status).toBe('complete')
  })

  it('in a room not fully connected, asks connected peers first, then a few members it is not connected to', async () => {
    const [ann, bob, cat] = [peer(), peer(), peer()]
    const strangers = [peer(), peer(), peer(), peer(), peer()]
    const file = await offer(ann, content(10 * CHUNK))
    // Bob is connected to Cat only; Ann, who holds the file, and five others are members he is not connected to.
    const asked: string[][] = []
    const direct = bob.transport.direct
    const bobFiles = new FileTransfers(bob.store, { retryIntervalMs: 10, maxIdleAttempts: 10 })
    bobFiles.attach({
      peers: () => { asked.push([]); return [cat.transport.id] },
      farPeers: () => [...strangers.map(s => s.transport.id), ann.transport.id],
      handle: handler => { direct.handle(handler) },
      request: (peer, request, options) => { asked[asked.length - 1].push(peer); return direct.request(peer, request, options) }
    })
    expect((await bobFiles.download(file, () => [TOPIC])).status).toBe('complete')
    for (const round of asked) {
      expect(round[0]).toBe(cat.transport.id)
      expect(round.length).toBeLessThanOrEqual(4)
    }
    expect(asked.flat()).toContain(ann.transport.id)
  })

  it('drops forged chunks from a peer who holds the key, and gets the real ones from an honest holder', async () => {
    const [ann, mallory, bob] = [peer(), peer(), peer()]
    const bytes = content(4 * CHUNK)
    const file = await offer(ann, bytes)
    // Mallory serves chunks sealed under the wrong key (a stranger's forgery).
    mallory.transport.direct.handle(async function * () {
      for (let i = 0; i < 4; i++) yield encodeChunkReply({ status: ReplyStatus.Chunk, index: i, data: sealChunk(new Uint8Array(32).fill(5), i, 4, new Uint8Array(CHUNK)) })
      yield encodeChunkReply({ status: ReplyStatus.End })
    })
    const result = await bob.files.download(file, () => [TOPIC])
    expect(result.status).toBe('complete')
    expect(sameBytes(await bob.files.read(file), bytes)).toBe(true)
  })

  it('discards a file whose chunks open but do not match its id (re-sealed by a member holding the key)', async () => {
    const [mallory, bob] = [peer(), peer()]
    const key = new Uint8Array(32).fill(7)
    mallory.transport.direct.handle(async function * () {
      for (let i = 0; i < 2; i++) yield encodeChunkReply({ status: ReplyStatus.Chunk, index: i, data: sealChunk(key, i, 2, new Uint8Array(CHUNK)) })
      yield encodeChunkReply({ status: ReplyStatus.End })
    })
    const file: FileBody = { name: 'M', fileId: new Uint8Array(32).fill(1), key, size: 2 * CHUNK, chunkSize: CHUNK, fileName: 'x', mime: 'application/octet-stream', caption: '' }
    const result = await bob.files.download(file, () => [TOPIC])
    expect(result.status).toBe('failed')
    expect(await bob.store.fileChunkIndexes(bytesToHex(file.fileId))).toEqual([])
  })

  it('serves at most two requests per peer at once, answering more with Busy, and ignores garbage requests', async () => {
    const [ann, bob] = [peer(), peer()]
    const file = await offer(ann, content(8 * CHUNK))
    const request = encodeChunkRequest({ fileId: file.fileId, from: 0, count: 8 })
    const streams = [0, 1, 2].map(() => bob.transport.direct.request(ann.transport.id, request)[Symbol.asyncIterator]())
    // Each stream is opened by reading its first frame; the first two get chunks, the third Busy.
    const first = await Promise.all(streams.map(async s => (await s.next()).value as Uint8Array))
    expect(first.map(f => f[0])).toEqual([ReplyStatus.Chunk, ReplyStatus.Chunk, ReplyStatus.Busy])
    for (const s of streams) await s.return?.(undefined)
    const garbage: Uint8Array[] = []
    for await (const frame of bob.transport.direct.request(ann.transport.id, Uint8Array.of(1, 2, 3))) garbage.push(frame)
    expect(garbage).toEqual([])
  })

  it('reports a download failed, plainly, when the device cannot store what arrives', async () => {
    const [ann, bob] = [peer(), peer()]
    const file = await offer(ann, content(3 * CHUNK))
    bob.store.putFileChunk = async () => { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError') }
    const result = await bob.files.download(file, () => [TOPIC])
    expect(result.status).toBe('failed')
    expect(result.error).toMatch(/Could not save the file on this device: The quota has been exceeded/)
  })

  it('answers Missing for a file it does not hold', async () => {
    const [ann, bob] = [peer(), peer()]
    const frames: number[] = []
    for await (const frame of bob.transport.direct.request(ann.transport.id, encodeChunkRequest({ fileId: new Uint8Array(32), from: 0, count: 1 }))) frames.push(frame[0])
    expect(frames).toEqual([ReplyStatus.Missing])
  })
})

describe('File messages in a room', () => {
  let h: Harness
  beforeEach(() => { h = new Harness() })
  afterEach(async () => { await h.close() })

  it('sends a File message that members store and show, and whose content they fetch directly', async () => {
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    const bytes = content(300_000)
    const sent = await sendFile(await ann.client.loadFiles(), ann.room, bytes, { fileName: 'notes.txt', mime: 'text/plain', caption: 'Read this' })
    expect(sent.kind).toBe(Kind.File)
    await waitFor(() => bob.messages.some(m => m.kind === Kind.File), 'the file message')
    const received = bob.messages.find(m => m.kind === Kind.File)!
    expect(received).toMatchObject({ name: 'Ann', text: 'Read this (📎 notes.txt)' })
    expect((await bob.room.history()).map(m => m.kind)).toEqual([Kind.File])
    const body = decodeFileBody(received.body)
    expect((await downloadFile(await bob.client.loadFiles(), bob.room, body)).status).toBe('complete')
    expect(sameBytes(await (await bob.client.loadFiles()).read(body), bytes)).toBe(true)
    // Its author can delete it like any message; reactions land on it too.
    await bob.room.react(ann.key, sent.seq, '👍', true)
    await waitFor(async () => (await ann.store.getMessage(ann.room.id, ann.key, sent.seq))?.reactions?.['👍'] !== undefined, 'the reaction')
    await ann.room.deleteMessage(sent.seq)
    await waitFor(async () => (await bob.store.getMessage(bob.room.id, ann.key, sent.seq))?.deleted === true, 'the deletion')
    // Its content goes with it, on both devices.
    const id = bytesToHex(body.fileId)
    await waitFor(async () => (await bob.store.fileChunkIndexes(id)).length === 0 && (await ann.store.fileChunkIndexes(id)).length === 0, 'the chunks to go')
    expect(await (await bob.client.loadFiles()).isComplete(id)).toBe(false)
  })

  it('rejects a malformed or oversized File message, one sent in plain mode, and one without a number; nothing is stored', async () => {
    const [ann, bob] = await h.group(['Ann', 'Bob'])
    const epoch = ann.room.epoch
    const sign = async (body: Uint8Array, seq = 1) => await signMessage(ann.identity, epoch.epochId, { kind: Kind.File, seq, timestamp: Date.now(), body })
    const good = encodeFileBody({ name: 'Ann', fileId: new Uint8Array(32), key: new Uint8Array(32), size: 10, chunkSize: 65536, fileName: 'a.txt', mime: 'text/plain', caption: '' })
    const oversized = good.slice()
    new DataView(oversized.buffer).setUint32(1 + 3 + 64, 0xffffffff)
    expect(await bob.room.receive(chainedFrameFrom(ann, epoch, await sign(good.subarray(0, 40))))).toBe('reject')
    expect(await bob.room.receive(chainedFrameFrom(ann, epoch, await sign(oversized)))).toBe('reject')
    expect(await bob.room.receive(plainFrame(epoch, await sign(good)))).toBe('reject')
    expect(await bob.room.receive(chainedFrameFrom(ann, epoch, await sign(good, 0)))).toBe('reject')
    expect(await bob.room.history()).toEqual([])
  })

  it('fetches a file that nobody had, by itself, once its holder is back in the room', async () => {
    const [ann, bob] = await h.group(['Ann', 'Bob'], { filesInit: { retryIntervalMs: 20, maxIdleAttempts: 2 } })
    const bytes = content(50_000)
    await sendFile(await ann.client.loadFiles(), ann.room, bytes, { fileName: 'later.bin', mime: 'application/octet-stream', caption: '' })
    await waitFor(() => bob.messages.some(m => m.kind === Kind.File), 'the file message')
    const body = decodeFileBody(bob.messages.find(m => m.kind === Kind.File)!.body)
    ann.transport.setOnline(false)
    expect((await downloadFile(await bob.client.loadFiles(), bob.room, body)).status).toBe('unavailable')
    ann.transport.setOnline(true)
    const bobFiles = await bob.client.loadFiles()
    await waitFor(() => bobFiles.state(bytesToHex(body.fileId))?.status === 'complete', 'the file to arrive by itself')
    expect(sameBytes(await (await bob.client.loadFiles()).read(body), bytes)).toBe(true)
  })

  it('brings a File message to a member who was away, by history sync, and they fetch it from whoever holds it', async () => {
    const [ann, bob, cat] = await h.group(['Ann', 'Bob', 'Cat'])
    cat.transport.setOnline(false)
    const bytes = content(100_000)
    const thumbnail = { width: 640, height: 480, bytes: Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3) }
    await sendFile(await ann.client.loadFiles(), ann.room, bytes, { fileName: 'beach.jpg', mime: 'image/jpeg', thumbnail, caption: 'while you were away' })
    await waitFor(() => bob.messages.some(m => m.kind === Kind.File), 'the file at Bob')
    await downloadFile(await bob.client.loadFiles(), bob.room, decodeFileBody(bob.messages.find(m => m.kind === Kind.File)!.body))
    ann.transport.setOnline(false) // only Bob holds it now
    cat.transport.setOnline(true)
    await waitFor(async () => (await cat.room.history()).some(m => m.kind === Kind.File), 'Cat to catch up on the file message')
    const body = decodeFileBody((await cat.room.history()).find(m => m.kind === Kind.File)!.body)
    expect(body.thumbnail).toEqual(thumbnail)
    expect((await downloadFile(await cat.client.loadFiles(), cat.room, body)).status).toBe('complete')
    expect(sameBytes(await (await cat.client.loadFiles()).read(body), bytes)).toBe(true)
  })
})
