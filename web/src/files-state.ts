/**
 * The UI's view of files: progress per file (from the client's transfers), object URLs of
 * images held whole, and the actions the components call.
 *
 * Images up to AUTO_DOWNLOAD_BYTES are fetched as soon as they are on screen, as people expect
 * of a photo in a chat; other files (and large images) wait for a click, so nobody's device or
 * data plan fills with files they never wanted.
 */
import { effect, signal } from '@preact/signals'
import { bytesToHex } from '../../src/bytes.js'
import { AUTO_DOWNLOAD_BYTES, MAX_FILE_BYTES, MAX_FILE_NAME_BYTES } from '../../src/files/constants.js'
import type { FileProgress } from '../../src/files/file-transfers.js'
import { downloadFile, sendFile } from '../../src/files/room-files.js'
import { decodeFileBody, isImage } from '../../src/protocol/file-body.js'
import type { FileBody } from '../../src/protocol/file-body.js'
import { utf8 } from '../../src/bytes.js'
import type { MessageRecord } from '../../src/store/store.js'
import { makeThumbnail } from './thumbnail.js'
import { activeRoom, client } from './state.js'
import { formatBytes } from './format-bytes.js'

/** Progress of every file sent or fetched this session, by hex file id. */
export const fileProgress = signal<Record<string, FileProgress>>({})
/**
 * Object URLs of files held whole, by hex file id: what images show and what "Save" links to.
 * A link rather than a script-made download: browsers block a second download that does not
 * follow a click at once, and reading a file from IndexedDB takes a moment.
 */
export const fileUrls = signal<Record<string, string>>({})

/** Files on screen this session, so one that arrives by itself (a retry) can be shown. */
const shown = new Map<string, FileBody>()

let watched: unknown = null
effect(() => {
  const c = client.value
  if (c === null || watched === c) return
  watched = c
  void c.loadFiles().then(files => files.on('progress', p => {
    fileProgress.value = { ...fileProgress.value, [p.fileId]: p }
    const file = shown.get(p.fileId)
    if (p.status === 'complete' && file !== undefined) void makeUrl(file)
  }))
})

/** The File body of a message, or undefined for anything else (or a deleted one). */
export function fileOf (message: MessageRecord): FileBody | undefined {
  if (message.kind !== 13 || message.deleted === true) return undefined
  try {
    return decodeFileBody(message.body)
  } catch {
    return undefined
  }
}

/** Why a file cannot be sent, for people; undefined when it can. */
export function fileProblem (file: File): string | undefined {
  if (file.size === 0) return `"${file.name}" is empty.`
  if (file.size > MAX_FILE_BYTES) return `"${file.name}" is too large (${formatBytes(file.size)}); files can be at most ${formatBytes(MAX_FILE_BYTES)}.`
  return undefined
}

/** Sends a file (with a thumbnail when it is an image) to the open room. */
export async function sendAttachment (file: File, caption: string): Promise<void> {
  const room = activeRoom.value
  const c = client.value
  if (room === null || c === null) return
  const problem = fileProblem(file)
  if (problem !== undefined) throw new RangeError(problem)
  const mime = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i.test(file.type) && file.type.length <= 100 ? file.type : 'application/octet-stream'
  const thumbnail = mime.startsWith('image/') ? await makeThumbnail(file) : undefined
  const content = new Uint8Array(await file.arrayBuffer())
  await sendFile(await c.loadFiles(), room, content, { fileName: safeFileName(file.name), mime, thumbnail, caption })
}

/** Fetches a file of the open room (or joins the fetch under way); shows the image once whole. */
export async function fetchFile (file: FileBody): Promise<void> {
  const room = activeRoom.value
  const c = client.value
  if (room === null || c === null) return
  const result = await downloadFile(await c.loadFiles(), room, file)
  if (result.status === 'complete') await makeUrl(file)
}

/** Starts what should happen when a file message is on screen: show what is held, fetch small images. */
export async function onFileShown (file: FileBody): Promise<void> {
  const c = client.value
  if (c === null) return
  const id = bytesToHex(file.fileId)
  shown.set(id, file)
  if (await (await c.loadFiles()).isComplete(id)) {
    await makeUrl(file)
    return
  }
  if (isImage(file) && file.size <= AUTO_DOWNLOAD_BYTES) await fetchFile(file)
}

const making = new Set<string>()

async function makeUrl (file: FileBody): Promise<void> {
  const c = client.value
  const id = bytesToHex(file.fileId)
  if (c === null || fileUrls.value[id] !== undefined || making.has(id)) return
  making.add(id)
  try {
    const url = URL.createObjectURL(new Blob([await (await c.loadFiles()).read(file) as BlobPart], { type: file.mime }))
    fileUrls.value = { ...fileUrls.value, [id]: url }
  } finally {
    making.delete(id)
  }
}

/** A name a download can safely use: no path separators or control characters, within the limit. */
export function safeFileName (name: string): string {
  // eslint-disable-next-line no-control-regex
  let out = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim()
  while (utf8(out).length > MAX_FILE_NAME_BYTES) out = out.slice(0, -1)
  return out === '' ? 'file' : out
}
