/**
 * The direct file protocol's messages, each sent as one length-prefixed frame.
 *
 * ```
 * request = version(u8 = 1) | fileId(32) | from(u32) | count(u16)
 * reply   = Chunk(0) | index(u32) | sealed chunk
 *         | End(1)       every chunk asked for was sent
 *         | Missing(2)   this peer does not hold the next chunk
 *         | Busy(3)      this peer serves too much right now; ask someone else or later
 * ```
 * A holder answers one request with Chunk frames for `from`, `from + 1`, … in order, then one
 * of the three closing frames. The chunks are still sealed: a holder never sees the file.
 */
import { concatBytes } from '../bytes.js'
import { MalformedError, TooLargeError, UnsupportedVersionError } from '../errors.js'
import { MAX_CHUNK_BYTES } from '../protocol/file-body.js'
import { CHUNK_TAG_BYTES } from './chunk-seal.js'
import { MAX_CHUNKS_PER_REQUEST } from './constants.js'

export const FILE_WIRE_VERSION = 1
export const FILE_REQUEST_BYTES = 1 + 32 + 4 + 2
/** Largest reply frame: a full chunk of the largest chunk size, sealed. */
export const MAX_FILE_REPLY_BYTES = 1 + 4 + MAX_CHUNK_BYTES + CHUNK_TAG_BYTES

export const ReplyStatus = { Chunk: 0, End: 1, Missing: 2, Busy: 3 } as const

export interface ChunkRequest {
  readonly fileId: Uint8Array
  readonly from: number
  readonly count: number
}

export type ChunkReply =
  | { readonly status: typeof ReplyStatus.Chunk, readonly index: number, readonly data: Uint8Array }
  | { readonly status: typeof ReplyStatus.End | typeof ReplyStatus.Missing | typeof ReplyStatus.Busy }

export function encodeChunkRequest (request: ChunkRequest): Uint8Array {
  if (request.fileId.length !== 32) throw new RangeError(`"fileId" expected 32 bytes, got ${request.fileId.length}`)
  checkRange(request.from, request.count, RangeError)
  const out = new Uint8Array(FILE_REQUEST_BYTES)
  out[0] = FILE_WIRE_VERSION
  out.set(request.fileId, 1)
  const view = new DataView(out.buffer)
  view.setUint32(33, request.from)
  view.setUint16(37, request.count)
  return out
}

export function decodeChunkRequest (bytes: Uint8Array): ChunkRequest {
  if (bytes.length < 1) throw new MalformedError('File request is empty')
  if (bytes[0] !== FILE_WIRE_VERSION) throw new UnsupportedVersionError(`File request version ${bytes[0]} is not supported`)
  if (bytes.length !== FILE_REQUEST_BYTES) throw new MalformedError(`File request expected ${FILE_REQUEST_BYTES} bytes, got ${bytes.length}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const request = { fileId: bytes.slice(1, 33), from: view.getUint32(33), count: view.getUint16(37) }
  checkRange(request.from, request.count, MalformedError)
  return request
}

export function encodeChunkReply (reply: ChunkReply): Uint8Array {
  if (reply.status !== ReplyStatus.Chunk) return Uint8Array.of(reply.status)
  const head = new Uint8Array(5)
  head[0] = ReplyStatus.Chunk
  new DataView(head.buffer).setUint32(1, reply.index)
  return concatBytes(head, reply.data)
}

export function decodeChunkReply (bytes: Uint8Array): ChunkReply {
  if (bytes.length > MAX_FILE_REPLY_BYTES) throw new TooLargeError(`File reply is ${bytes.length} bytes; the limit is ${MAX_FILE_REPLY_BYTES}`)
  if (bytes.length < 1) throw new MalformedError('File reply is empty')
  const status = bytes[0]
  if (status === ReplyStatus.End || status === ReplyStatus.Missing || status === ReplyStatus.Busy) {
    if (bytes.length !== 1) throw new MalformedError('A closing reply is one byte')
    return { status }
  }
  if (status !== ReplyStatus.Chunk) throw new MalformedError(`Unknown file reply status ${status}`)
  if (bytes.length < 5 + CHUNK_TAG_BYTES + 1) throw new MalformedError('Chunk reply is truncated')
  const index = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1)
  return { status, index, data: bytes.slice(5) }
}

function checkRange (from: number, count: number, Err: new (message: string) => Error): void {
  if (!Number.isInteger(from) || from < 0 || from > 0xffffffff) throw new Err(`"from" expected a chunk index, got ${from}`)
  if (!Number.isInteger(count) || count < 1 || count > MAX_CHUNKS_PER_REQUEST) {
    throw new Err(`"count" expected 1..${MAX_CHUNKS_PER_REQUEST}, got ${count}`)
  }
}
