/**
 * Sending and fetching a room's files: the few steps that join the room (the File message) and
 * the transfers (the content).
 */
import type { FileBody } from '../protocol/file-body.js'
import type { Room } from '../room/room.js'
import type { MessageRecord } from '../store/store.js'
import type { FileProgress, FileTransfers } from './file-transfers.js'

/** What the user describes about a file they send. */
export type FileDescription = Pick<FileBody, 'fileName' | 'mime' | 'thumbnail' | 'caption'>

/** Seals and keeps `content`, then sends the File message that lets members fetch it. */
export async function sendFile (files: FileTransfers, room: Room, content: Uint8Array,
  description: FileDescription): Promise<MessageRecord> {
  const prepared = await files.prepare(content)
  return await room.sendFile({ ...prepared, ...description })
}

/** Fetches a file from the peers connected in the room now. */
export async function downloadFile (files: FileTransfers, room: Room, file: FileBody): Promise<FileProgress> {
  return await files.download(file, () => [room.epoch.topic])
}
