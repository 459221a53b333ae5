/**
 * The body of a File message (kind 13): everything a member needs to fetch, check and show a
 * file, but not its content, which travels directly between peers in sealed chunks.
 *
 * ```
 * file = nameLength(u8) | name | fileId(32) | key(32) | size(u32) | chunkSize(u32)
 *      | fileNameLength(u8) | fileName | mimeLength(u8) | mime
 *      | width(u16) | height(u16) | thumbnailLength(u16) | thumbnail | caption
 * ```
 * `name` is the author's display name, as in a text message. Width, height and thumbnail are 0
 * and empty for files that are not images. The room message is end-to-end encrypted, so the
 * file key is exactly as private as the room.
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes.js'
import { MalformedError, TooLargeError } from '../errors.js'
import {
  MAX_CAPTION_BYTES, MAX_FILE_BYTES, MAX_FILE_NAME_BYTES, MAX_MIME_BYTES, MAX_THUMBNAIL_BYTES
} from '../files/constants.js'
import { MAX_NAME_BYTES } from './constants.js'

const ID = 32
const KEY = 32
/** Chunk sizes a sender may choose: 4 KiB to 256 KiB. */
export const MIN_CHUNK_BYTES = 4 * 1024
export const MAX_CHUNK_BYTES = 256 * 1024
const MAX_DIMENSION = 65_535
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i

export interface FileThumbnail {
  /** The full image's size, in pixels. */
  readonly width: number
  readonly height: number
  /** A small JPEG, PNG or WebP. */
  readonly bytes: Uint8Array
}

export interface FileBody {
  /** The author's display name when they sent it. */
  readonly name: string
  readonly fileId: Uint8Array
  readonly key: Uint8Array
  readonly size: number
  readonly chunkSize: number
  readonly fileName: string
  readonly mime: string
  readonly thumbnail?: FileThumbnail
  readonly caption: string
}

export function encodeFileBody (body: FileBody): Uint8Array {
  const name = utf8(body.name)
  if (name.length === 0 || name.length > MAX_NAME_BYTES) throw new RangeError(`"name" expected 1..${MAX_NAME_BYTES} bytes, got ${name.length}`)
  if (body.fileId.length !== ID) throw new RangeError(`"fileId" expected ${ID} bytes, got ${body.fileId.length}`)
  if (body.key.length !== KEY) throw new RangeError(`"key" expected ${KEY} bytes, got ${body.key.length}`)
  checkSize(body.size, body.chunkSize, RangeError)
  const fileName = utf8(body.fileName)
  if (fileName.length === 0 || fileName.length > MAX_FILE_NAME_BYTES || !validFileName(body.fileName)) {
    throw new RangeError(`"fileName" expected 1..${MAX_FILE_NAME_BYTES} bytes without control characters or slashes`)
  }
  if (body.mime.length > MAX_MIME_BYTES || !MIME.test(body.mime)) throw new RangeError(`"mime" is not a MIME type: ${body.mime}`)
  const thumb = body.thumbnail
  if (thumb !== undefined) checkThumbnail(thumb, RangeError)
  const caption = utf8(body.caption)
  if (caption.length > MAX_CAPTION_BYTES) throw new TooLargeError(`Caption is ${caption.length} bytes; the limit is ${MAX_CAPTION_BYTES}`)
  const fixed = new Uint8Array(8)
  const view = new DataView(fixed.buffer)
  view.setUint32(0, body.size)
  view.setUint32(4, body.chunkSize)
  const image = new Uint8Array(6)
  const imageView = new DataView(image.buffer)
  imageView.setUint16(0, thumb?.width ?? 0)
  imageView.setUint16(2, thumb?.height ?? 0)
  imageView.setUint16(4, thumb?.bytes.length ?? 0)
  return concatBytes(Uint8Array.of(name.length), name, body.fileId, body.key, fixed,
    Uint8Array.of(fileName.length), fileName, Uint8Array.of(body.mime.length), utf8(body.mime),
    image, thumb?.bytes ?? new Uint8Array(), caption)
}

export function decodeFileBody (bytes: Uint8Array): FileBody {
  const reader = new Reader(bytes)
  const nameLength = reader.u8()
  if (nameLength === 0 || nameLength > MAX_NAME_BYTES) throw new MalformedError(`Name length ${nameLength} is out of range`)
  const name = text(reader.take(nameLength), 'name')
  const fileId = reader.take(ID).slice()
  const key = reader.take(KEY).slice()
  const size = reader.u32()
  const chunkSize = reader.u32()
  checkSize(size, chunkSize, MalformedError)
  const fileNameLength = reader.u8()
  if (fileNameLength === 0 || fileNameLength > MAX_FILE_NAME_BYTES) throw new MalformedError(`File name length ${fileNameLength} is out of range`)
  const fileName = text(reader.take(fileNameLength), 'fileName')
  if (!validFileName(fileName)) throw new MalformedError('File name has control characters or slashes')
  const mimeLength = reader.u8()
  const mime = text(reader.take(mimeLength), 'mime')
  if (mimeLength > MAX_MIME_BYTES || !MIME.test(mime)) throw new MalformedError('"mime" is not a MIME type')
  const width = reader.u16()
  const height = reader.u16()
  const thumbLength = reader.u16()
  if (thumbLength > MAX_THUMBNAIL_BYTES) throw new TooLargeError(`Thumbnail is ${thumbLength} bytes; the limit is ${MAX_THUMBNAIL_BYTES}`)
  let thumbnail: FileThumbnail | undefined
  if (thumbLength > 0) {
    thumbnail = { width, height, bytes: reader.take(thumbLength).slice() }
    checkThumbnail(thumbnail, MalformedError)
  } else if (width !== 0 || height !== 0) {
    throw new MalformedError('Image dimensions without a thumbnail')
  }
  const rest = reader.rest()
  if (rest.length > MAX_CAPTION_BYTES) throw new TooLargeError(`Caption is ${rest.length} bytes; the limit is ${MAX_CAPTION_BYTES}`)
  return { name, fileId, key, size, chunkSize, fileName, mime, thumbnail, caption: text(rest, 'caption') }
}

/** Whether a file is an image the app shows inline. */
export function isImage (body: Pick<FileBody, 'mime' | 'thumbnail'>): boolean {
  return body.thumbnail !== undefined && /^image\/(jpeg|png|gif|webp|avif|bmp)$/i.test(body.mime)
}

function checkSize (size: number, chunkSize: number, Err: new (message: string) => Error): void {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_BYTES || chunkSize > MAX_CHUNK_BYTES) {
    throw new Err(`Chunk size ${chunkSize} is outside ${MIN_CHUNK_BYTES}..${MAX_CHUNK_BYTES}`)
  }
  if (!Number.isInteger(size) || size < 1) throw new Err(`File size ${size} is not a positive integer`)
  if (size > MAX_FILE_BYTES) throw new TooLargeError(`File is ${size} bytes; the limit is ${MAX_FILE_BYTES}`)
}

function checkThumbnail (thumb: FileThumbnail, Err: new (message: string) => Error): void {
  if (thumb.bytes.length === 0 || thumb.bytes.length > MAX_THUMBNAIL_BYTES) {
    throw new (thumb.bytes.length > 0 ? TooLargeError : Err)(`Thumbnail expected 1..${MAX_THUMBNAIL_BYTES} bytes, got ${thumb.bytes.length}`)
  }
  if (!validDimension(thumb.width) || !validDimension(thumb.height)) throw new Err('Image width and height must be 1..65535')
  if (thumbnailType(thumb.bytes) === undefined) throw new Err('Thumbnail is not a JPEG, PNG or WebP image')
}

/** The MIME type of a thumbnail from its first bytes; only three formats are accepted. */
export function thumbnailType (bytes: Uint8Array): 'image/jpeg' | 'image/png' | 'image/webp' | undefined {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png'
  if (bytes.length > 12 && fromAscii(bytes.subarray(0, 4)) === 'RIFF' && fromAscii(bytes.subarray(8, 12)) === 'WEBP') return 'image/webp'
  return undefined
}

function validDimension (n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_DIMENSION
}

/** A name that is safe to offer as a download name: no path, no control characters. */
function validFileName (name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.trim() !== '' && !/[\u0000-\u001f\u007f/\\]/.test(name)
}

function fromAscii (bytes: Uint8Array): string {
  return String.fromCharCode(...bytes)
}

function text (bytes: Uint8Array, field: string): string {
  try {
    return fromUtf8(bytes)
  } catch {
    throw new MalformedError(`"${field}" is not valid UTF-8`)
  }
}

/** Reads fields in order; running past the end is a MalformedError. */
class Reader {
  private offset = 0
  private readonly view: DataView
  constructor (private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  take (n: number): Uint8Array {
    if (this.offset + n > this.bytes.length) throw new MalformedError('File message is truncated')
    const out = this.bytes.subarray(this.offset, this.offset + n)
    this.offset += n
    return out
  }

  u8 (): number { return this.take(1)[0] }
  u16 (): number { this.take(2); return this.view.getUint16(this.offset - 2) }
  u32 (): number { this.take(4); return this.view.getUint32(this.offset - 4) }
  rest (): Uint8Array { return this.take(this.bytes.length - this.offset) }
}
