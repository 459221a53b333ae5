import { describe, expect, it } from 'vitest'
import { concatBytes, utf8 } from '../../src/bytes.js'
import { MAX_CAPTION_BYTES, MAX_FILE_BYTES, MAX_THUMBNAIL_BYTES } from '../../src/files/constants.js'
import { decodeFileBody, encodeFileBody, isImage } from '../../src/protocol/file-body.js'
import type { FileBody } from '../../src/protocol/file-body.js'
import {
  decodeChunkReply, decodeChunkRequest, encodeChunkReply, encodeChunkRequest, ReplyStatus
} from '../../src/files/file-wire.js'
import { catchError } from './catch-error.js'

const JPEG = concatBytes(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0), new Uint8Array(200).fill(7))

function body (overrides: Partial<FileBody> = {}): FileBody {
  return {
    name: 'Ann',
    fileId: new Uint8Array(32).fill(1),
    key: new Uint8Array(32).fill(2),
    size: 3 * 65536 + 5,
    chunkSize: 65536,
    fileName: 'holiday photo.jpg',
    mime: 'image/jpeg',
    thumbnail: { width: 4032, height: 3024, bytes: JPEG },
    caption: 'At the lake 🌊',
    ...overrides
  }
}

/** Changes a byte of an encoded body at `offset`. */
function patched (bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice()
  copy[offset] = value
  return copy
}

describe('File body', () => {
  it('round-trips an image with thumbnail and caption, and a plain file without', () => {
    expect(decodeFileBody(encodeFileBody(body()))).toEqual(body())
    const plain = body({ fileName: 'report.pdf', mime: 'application/pdf', thumbnail: undefined, caption: '' })
    expect(decodeFileBody(encodeFileBody(plain))).toEqual(plain)
    expect(isImage(body())).toBe(true)
    expect(isImage(plain)).toBe(false)
  })

  it('rejects a body truncated at any length with MalformedError', () => {
    const bytes = encodeFileBody(body({ caption: '' }))
    // Every prefix that cuts into a fixed field or the thumbnail is malformed; the caption is free text.
    for (let n = 0; n < bytes.length - 0; n++) {
      const cut = bytes.subarray(0, n)
      const err = catchError(() => decodeFileBody(cut))
      expect(['MalformedError', 'TooLargeError']).toContain(err.name)
    }
  })

  it('rejects a file over the size limit, on encode and decode alike', () => {
    expect(catchError(() => encodeFileBody(body({ size: MAX_FILE_BYTES + 1 }))).name).toBe('TooLargeError')
    const bytes = encodeFileBody(body())
    const sizeOffset = 1 + 3 + 32 + 32
    const over = bytes.slice()
    new DataView(over.buffer).setUint32(sizeOffset, MAX_FILE_BYTES + 1)
    expect(catchError(() => decodeFileBody(over)).name).toBe('TooLargeError')
    new DataView(over.buffer).setUint32(sizeOffset, 0)
    expect(catchError(() => decodeFileBody(over)).name).toBe('MalformedError')
  })

  it('rejects chunk sizes outside 4 KiB..256 KiB', () => {
    const bytes = encodeFileBody(body())
    const chunkOffset = 1 + 3 + 32 + 32 + 4
    for (const size of [0, 1024, 256 * 1024 + 1]) {
      const bad = bytes.slice()
      new DataView(bad.buffer).setUint32(chunkOffset, size)
      expect(catchError(() => decodeFileBody(bad)).name).toBe('MalformedError')
    }
  })

  it('rejects file names with slashes or control characters, and MIME types that are not', () => {
    for (const fileName of ['../etc/passwd', 'a\\b', 'bell\u0007', ' ']) {
      expect(catchError(() => encodeFileBody(body({ fileName }))).name).toBe('RangeError')
    }
    expect(catchError(() => encodeFileBody(body({ mime: 'text/html; charset=utf-8' }))).name).toBe('RangeError')
    const bytes = encodeFileBody(body({ fileName: 'a.jpg' }))
    const nameOffset = 1 + 3 + 32 + 32 + 8 + 1
    expect(catchError(() => decodeFileBody(patched(bytes, nameOffset, '/'.charCodeAt(0)))).name).toBe('MalformedError')
    expect(catchError(() => decodeFileBody(patched(bytes, nameOffset + 1, 0x0a))).name).toBe('MalformedError')
  })

  it('accepts only small JPEG, PNG or WebP thumbnails with real dimensions', () => {
    const big = concatBytes(JPEG, new Uint8Array(MAX_THUMBNAIL_BYTES))
    expect(catchError(() => encodeFileBody(body({ thumbnail: { width: 10, height: 10, bytes: big } }))).name).toBe('TooLargeError')
    const svg = utf8('<svg onload="alert(1)"></svg>')
    expect(catchError(() => encodeFileBody(body({ thumbnail: { width: 10, height: 10, bytes: svg } }))).name).toBe('RangeError')
    expect(catchError(() => encodeFileBody(body({ thumbnail: { width: 0, height: 10, bytes: JPEG } }))).name).toBe('RangeError')
    // A thumbnail that is not an image, slipped past the encoder: the decoder refuses it too.
    const bytes = encodeFileBody(body())
    const thumbOffset = bytes.length - utf8(body().caption).length - JPEG.length
    expect(catchError(() => decodeFileBody(patched(bytes, thumbOffset, 0x3c))).name).toBe('MalformedError')
  })

  it('rejects a caption over the limit and invalid UTF-8', () => {
    expect(catchError(() => encodeFileBody(body({ caption: 'x'.repeat(MAX_CAPTION_BYTES + 1) }))).name).toBe('TooLargeError')
    const bytes = concatBytes(encodeFileBody(body({ caption: '' })), Uint8Array.of(0xc3, 0x28))
    expect(catchError(() => decodeFileBody(bytes)).name).toBe('MalformedError')
  })
})

describe('File wire messages', () => {
  const fileId = new Uint8Array(32).fill(9)

  it('round-trip a request and every reply', () => {
    expect(decodeChunkRequest(encodeChunkRequest({ fileId, from: 70, count: 64 }))).toEqual({ fileId, from: 70, count: 64 })
    const chunk = { status: ReplyStatus.Chunk, index: 3, data: new Uint8Array(100).fill(4) } as const
    expect(decodeChunkReply(encodeChunkReply(chunk))).toEqual(chunk)
    for (const status of [ReplyStatus.End, ReplyStatus.Missing, ReplyStatus.Busy]) {
      expect(decodeChunkReply(encodeChunkReply({ status }))).toEqual({ status })
    }
  })

  it('rejects requests of the wrong version, length or count, and malformed replies', () => {
    const request = encodeChunkRequest({ fileId, from: 0, count: 1 })
    expect(catchError(() => decodeChunkRequest(patched(request, 0, 2))).name).toBe('UnsupportedVersionError')
    expect(catchError(() => decodeChunkRequest(request.subarray(0, 20))).name).toBe('MalformedError')
    expect(catchError(() => decodeChunkRequest(patched(request, 38, 65))).name).toBe('MalformedError')
    expect(catchError(() => decodeChunkRequest(patched(request, 38, 0))).name).toBe('MalformedError')
    expect(catchError(() => encodeChunkRequest({ fileId, from: 0, count: 65 })).name).toBe('RangeError')
    expect(catchError(() => decodeChunkReply(new Uint8Array())).name).toBe('MalformedError')
    expect(catchError(() => decodeChunkReply(Uint8Array.of(7))).name).toBe('MalformedError')
    expect(catchError(() => decodeChunkReply(Uint8Array.of(1, 0))).name).toBe('MalformedError')
    expect(catchError(() => decodeChunkReply(Uint8Array.of(0, 0, 0, 0, 1))).name).toBe('MalformedError')
    expect(catchError(() => decodeChunkReply(new Uint8Array(300 * 1024))).name).toBe('TooLargeError')
  })
})
