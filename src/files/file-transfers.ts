/**
 * Files between members: sealing and keeping a file to send, serving held chunks to peers that
 * ask, and downloading a file from whichever connected peers hold it.
 *
 * A download asks one peer at a time for the next chunks it lacks; each chunk is opened (so a
 * forged, reordered or foreign chunk is caught at once) and kept in the store as it arrives, so
 * a download that breaks off (the peer left, the tab closed) continues from the next missing
 * chunk, with another peer or later. Anyone who holds chunks serves them, so a file stays
 * available after its sender leaves, as long as someone who fetched it is around.
 */
import { bytesToHex } from '../bytes.js'
import { Emitter } from '../events.js'
import type { DirectChannel } from '../net/transport.js'
import type { FileBody } from '../protocol/file-body.js'
import type { Store } from '../store/store.js'
import { chunkCount, fileIdOf, openChunk, openFile, sealFile } from './chunk-seal.js'
import { loadCrypto } from '../crypto/lazy-crypto.js'
import {
  CHUNK_BYTES, FAR_PEERS_PER_ROUND, MAX_CHUNKS_PER_REQUEST, MAX_IDLE_ATTEMPTS, MAX_SERVES, MAX_SERVES_PER_PEER, RETRY_INTERVAL_MS
} from './constants.js'
import { ReplyStatus, decodeChunkReply, decodeChunkRequest, encodeChunkReply, encodeChunkRequest } from './file-wire.js'

/**
 * Where a file stands on this device: `sending` (ours, held, served to peers that ask),
 * `downloading`, `complete` (held whole and checked), `unavailable` (no connected peer has it
 * now), `failed` (what arrived did not match the file's id, could not be stored, or the file
 * was deleted; `error` says which).
 */
export type FileStatus = 'sending' | 'downloading' | 'complete' | 'unavailable' | 'failed'

export interface FileProgress {
  /** Hex file id. */
  readonly fileId: string
  readonly status: FileStatus
  /** Chunks held here, of `total`. */
  readonly held: number
  readonly total: number
  /** Serving side: the most chunks any one peer has fetched from us, and how many fetched them all. */
  readonly served: number
  readonly servedPeers: number
  /** Why a download stopped, for people. */
  readonly error?: string
}

export interface FileTransfersEvents extends Record<string, unknown> {
  progress: FileProgress
}

/** What `prepare` returns: the parts of a File body that describe the content. */
export type PreparedFile = Pick<FileBody, 'fileId' | 'key' | 'size' | 'chunkSize'>

export interface FileTransfersInit {
  /** Pause between attempts while nobody has the file, ms. */
  retryIntervalMs?: number
  /** Attempts without progress before a download is reported unavailable. */
  maxIdleAttempts?: number
}

const COMPLETE_PREFIX = 'file-complete:'

export class FileTransfers extends Emitter<FileTransfersEvents> {
  private direct: DirectChannel | undefined
  private readonly downloads = new Map<string, Promise<void>>()
  /** Downloads that found nobody holding the file, to try again when peers arrive. */
  private readonly unavailable = new Map<string, { file: FileBody, topics: () => string[] }>()
  private readonly progress = new Map<string, FileProgress>()
  /** Serving: open requests per peer, and how far each peer got, per file. */
  private readonly serving = new Map<string, number>()
  private servingTotal = 0
  private readonly servedTo = new Map<string, Map<string, number>>()
  /** Files whose message was deleted this session: never fetched again. */
  private readonly discarded = new Set<string>()
  private readonly retryIntervalMs: number
  private readonly maxIdleAttempts: number

  constructor (private readonly store: Store, init: FileTransfersInit = {}) {
    super()
    this.retryIntervalMs = init.retryIntervalMs ?? RETRY_INTERVAL_MS
    this.maxIdleAttempts = init.maxIdleAttempts ?? MAX_IDLE_ATTEMPTS
  }

  /** Starts serving held chunks on a network; downloads use it from now on. */
  attach (direct: DirectChannel | undefined): void {
    this.direct = direct
    direct?.handle((request, from) => this.serve(request, from))
  }

  /** The latest progress of a file this device sends or fetches, if any this session. */
  state (fileId: string): FileProgress | undefined {
    return this.progress.get(fileId)
  }

  /** Seals `content`, keeps its chunks so peers can fetch them, and returns what the File body needs. */
  async prepare (content: Uint8Array, chunkSize = CHUNK_BYTES): Promise<PreparedFile> {
    await loadCrypto()
    const sealed = sealFile(content, chunkSize)
    const id = bytesToHex(sealed.fileId)
    for (let i = 0; i < sealed.chunks.length; i++) await this.store.putFileChunk(id, i, sealed.chunks[i])
    await this.store.putMeta(COMPLETE_PREFIX + id, true)
    this.update(id, { status: 'sending', held: sealed.chunks.length, total: sealed.chunks.length })
    return { fileId: sealed.fileId, key: sealed.key, size: sealed.size, chunkSize: sealed.chunkSize }
  }

  /** Whether the whole file is held here and matched its id. */
  async isComplete (fileId: string): Promise<boolean> {
    return await this.store.getMeta<boolean>(COMPLETE_PREFIX + fileId) === true
  }

  /**
   * Fetches a file from the peers on `topics()` until it is held whole; resolves when it is, or
   * when it cannot be had now (see `state`). A second call while one runs joins it.
   */
  async download (file: FileBody, topics: () => string[]): Promise<FileProgress> {
    const id = bytesToHex(file.fileId)
    let running = this.downloads.get(id)
    if (running === undefined && !this.discarded.has(id)) {
      this.unavailable.delete(id)
      running = this.fetch(file, id, topics)
        .catch(err => {
          // The device could not keep what arrived (storage full or closed): say so, keep what is held.
          const total = chunkCount(file.size, file.chunkSize)
          this.update(id, { status: 'failed', held: this.progress.get(id)?.held ?? 0, total, error: `Could not save the file on this device: ${(err as Error).message}` })
        })
        .finally(() => {
          this.downloads.delete(id)
          if (this.progress.get(id)?.status === 'unavailable') this.unavailable.set(id, { file, topics })
        })
      this.downloads.set(id, running)
    }
    await running
    return this.progress.get(id)!
  }

  /**
   * Tries again every download that found nobody holding its file; the client calls this when
   * new peers connect, so a file arrives once its holder is back without anyone asking.
   */
  retryUnavailable (): void {
    for (const { file, topics } of [...this.unavailable.values()]) void this.download(file, topics)
  }

  /**
   * Forgets a file whose message was deleted: stops its download and drops its chunks, so this
   * device neither keeps nor serves it. Its progress says it was deleted.
   */
  async discard (fileId: string): Promise<void> {
    this.markDeleted(fileId)
    this.unavailable.delete(fileId)
    await this.downloads.get(fileId) // it stops at its next chunk
    await this.store.deleteFileChunks(fileId)
    await this.store.deleteMeta(COMPLETE_PREFIX + fileId)
  }

  /** The file's content, opened and checked; throws if it is not held whole. */
  async read (file: FileBody): Promise<Uint8Array> {
    const id = bytesToHex(file.fileId)
    const count = chunkCount(file.size, file.chunkSize)
    const chunks: Uint8Array[] = []
    for (let i = 0; i < count; i++) {
      const chunk = await this.store.getFileChunk(id, i)
      if (chunk === undefined) throw new Error(`Chunk ${i} of this file is not here yet`)
      chunks.push(chunk)
    }
    await loadCrypto()
    return openFile(file.fileId, file.key, file.size, chunks)
  }

  private async fetch (file: FileBody, id: string, topics: () => string[]): Promise<void> {
    const total = chunkCount(file.size, file.chunkSize)
    if (await this.isComplete(id)) {
      this.update(id, { status: 'complete', held: total, total })
      return
    }
    const held = new Set(await this.store.fileChunkIndexes(id))
    const badPeers = new Set<string>()
    let idle = 0
    this.update(id, { status: 'downloading', held: held.size, total })
    while (held.size < total) {
      if (this.discarded.has(id)) return
      const direct = this.direct
      const near = direct === undefined ? [] : [...new Set(topics().flatMap(t => direct.peers(t)))]
      const far = [...new Set(topics().flatMap(t => direct?.farPeers?.(t) ?? []))].filter(p => !near.includes(p))
      // Connected peers first; then a few members we would have to connect to first.
      const peers = [...shuffle(near), ...shuffle(far).slice(0, FAR_PEERS_PER_ROUND)].filter(p => !badPeers.has(p))
      let progressed = false
      for (const peer of peers) {
        if (held.size >= total) break
        try {
          if (await this.fetchFrom(direct!, peer, file, id, total, held)) progressed = true
        } catch (err) {
          if (err instanceof StorageFailure) throw err.cause
          // A chunk that does not open: this peer serves forgeries; never ask it again for this file.
          if ((err as Error).name === 'DecryptError') badPeers.add(peer)
          // Otherwise the peer left or stalled: carry on with the next one.
        }
      }
      if (held.size >= total || this.discarded.has(id)) break
      idle = progressed ? 0 : idle + 1
      if (idle >= this.maxIdleAttempts) {
        this.update(id, { status: 'unavailable', held: held.size, total, error: 'Nobody online has this file right now.' })
        return
      }
      if (!progressed) {
        if (idle > 1) this.update(id, { status: 'unavailable', held: held.size, total, error: 'Nobody online has this file right now; still trying.' })
        await new Promise(resolve => setTimeout(resolve, this.retryIntervalMs))
        if (this.discarded.has(id)) return
        this.update(id, { status: 'downloading', held: held.size, total })
      }
    }
    if (!this.discarded.has(id)) await this.verify(file, id, total)
  }

  /** Asks one peer for the next missing chunks; true if any arrived. */
  private async fetchFrom (direct: DirectChannel, peer: string, file: FileBody, id: string, total: number,
    held: Set<number>): Promise<boolean> {
    let progressed = false
    let from = firstMissing(held, total)
    while (from < total) {
      const count = Math.min(MAX_CHUNKS_PER_REQUEST, total - from)
      let expected = from
      let finished = false
      for await (const frame of direct.request(peer, encodeChunkRequest({ fileId: file.fileId, from, count }))) {
        const reply = decodeChunkReply(frame)
        if (reply.status !== ReplyStatus.Chunk) {
          finished = reply.status === ReplyStatus.End
          break
        }
        if (reply.index !== expected || expected >= from + count) throw new Error('Chunks arrived out of order')
        openChunk(file.key, reply.index, total, reply.data) // throws DecryptError on anything forged
        await this.store.putFileChunk(id, reply.index, reply.data).catch(err => { throw new StorageFailure(err) })
        held.add(reply.index)
        expected++
        progressed = true
        if (this.discarded.has(id)) return progressed
        this.update(id, { status: 'downloading', held: held.size, total })
      }
      if (!finished) return progressed
      from = firstMissing(held, total)
    }
    return progressed
  }

  /** Checks the whole file against its id; a mismatch throws the chunks away. */
  private async verify (file: FileBody, id: string, total: number): Promise<void> {
    const chunks: Uint8Array[] = []
    for (let i = 0; i < total; i++) chunks.push((await this.store.getFileChunk(id, i))!)
    const actual = bytesToHex(fileIdOf(chunks))
    if (actual !== id) {
      await this.store.deleteFileChunks(id)
      this.update(id, { status: 'failed', held: 0, total, error: 'What arrived does not match this file; it was discarded.' })
      return
    }
    await this.store.putMeta(COMPLETE_PREFIX + id, true)
    this.update(id, { status: 'complete', held: total, total })
  }

  /** Answers one request: the chunks asked for that are held here, in order, then a closing frame. */
  private async * serve (bytes: Uint8Array, from: string): AsyncGenerator<Uint8Array> {
    let request
    try {
      request = decodeChunkRequest(bytes)
    } catch {
      return // not a request we understand: close without answering
    }
    const open = this.serving.get(from) ?? 0
    if (open >= MAX_SERVES_PER_PEER || this.servingTotal >= MAX_SERVES) {
      yield encodeChunkReply({ status: ReplyStatus.Busy })
      return
    }
    this.serving.set(from, open + 1)
    this.servingTotal++
    try {
      const id = bytesToHex(request.fileId)
      for (let index = request.from; index < request.from + request.count; index++) {
        const data = await this.store.getFileChunk(id, index)
        if (data === undefined) {
          yield encodeChunkReply({ status: ReplyStatus.Missing })
          return
        }
        yield encodeChunkReply({ status: ReplyStatus.Chunk, index, data })
        this.noteServed(id, from, index + 1)
      }
      yield encodeChunkReply({ status: ReplyStatus.End })
    } finally {
      this.servingTotal--
      const left = (this.serving.get(from) ?? 1) - 1
      if (left === 0) this.serving.delete(from)
      else this.serving.set(from, left)
    }
  }

  private noteServed (id: string, peer: string, upTo: number): void {
    let peers = this.servedTo.get(id)
    if (peers === undefined) this.servedTo.set(id, peers = new Map())
    peers.set(peer, Math.max(peers.get(peer) ?? 0, upTo))
    const current = this.progress.get(id)
    if (current === undefined) return // a file we did not send or fetch this session
    this.update(id, { status: current.status, held: current.held, total: current.total })
  }

  private update (id: string, state: Pick<FileProgress, 'status' | 'held' | 'total' | 'error'>): void {
    if (this.discarded.has(id)) return // a download still stopping: the file stays deleted
    this.setProgress(id, state)
  }

  /** From now on the file is deleted here: `download` answers so, and nothing else is said of it. */
  private markDeleted (id: string): void {
    this.setProgress(id, { status: 'failed', held: 0, total: this.progress.get(id)?.total ?? 0, error: 'This file was deleted.' })
    this.discarded.add(id)
  }

  private setProgress (id: string, state: Pick<FileProgress, 'status' | 'held' | 'total' | 'error'>): void {
    const peers = [...this.servedTo.get(id)?.values() ?? []]
    const progress: FileProgress = {
      fileId: id,
      ...state,
      served: Math.max(0, ...peers),
      servedPeers: peers.filter(n => n >= state.total).length
    }
    this.progress.set(id, progress)
    this.emit('progress', progress)
  }
}

/** A store write failed during a download: not the peer's fault, so no other peer is tried. */
class StorageFailure extends Error {
  constructor (override readonly cause: unknown) { super('storage failed'); this.name = 'StorageFailure' }
}

function firstMissing (held: Set<number>, total: number): number {
  let i = 0
  while (i < total && held.has(i)) i++
  return i
}

function shuffle<T> (items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]]
  }
  return items
}
