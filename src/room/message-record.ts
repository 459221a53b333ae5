/**
 * Between signed messages (the wire) and message records (the store).
 */
import { bytesToHex, hexToBytes } from '../bytes.js'
import { Kind, decodeTextBody, isStoredKind } from '../protocol/bodies.js'
import type { SignedMessage } from '../protocol/envelope.js'
import { decodeFileBody } from '../protocol/file-body.js'
import type { MessageRecord } from '../store/store.js'
import type { Epoch } from './epochs.js'

/** A record for the store from a signed, stored message of an epoch. */
export function toRecord (roomId: string, epoch: Epoch, message: SignedMessage, receivedAt: number,
  state: MessageRecord['state']): MessageRecord {
  if (!isStoredKind(message.kind)) throw new TypeError(`kind ${message.kind} is not stored`)
  const body = message.kind === Kind.Text ? decodeTextBody(message.body) : message.kind === Kind.File ? fileText(message.body) : { name: '', text: '' }
  return {
    roomId,
    author: bytesToHex(message.author),
    seq: message.seq,
    kind: message.kind,
    epoch: bytesToHex(epoch.epochId),
    timestamp: message.timestamp,
    receivedAt,
    body: message.body,
    signature: message.signature,
    name: body.name,
    text: body.text,
    state
  }
}

/** The signed message a record was made from, to send it on exactly as signed. */
export function fromRecord (record: MessageRecord): SignedMessage {
  return {
    kind: record.kind,
    author: hexToBytes(record.author),
    seq: record.seq,
    timestamp: record.timestamp,
    body: record.body,
    signature: record.signature
  }
}

/**
 * A file's author name, and a line of text for previews, notifications and search: its caption
 * and name ("At the lake (📎 lake.jpg)"), or the name alone.
 */
function fileText (bytes: Uint8Array): { name: string, text: string } {
  const file = decodeFileBody(bytes)
  return { name: file.name, text: file.caption === '' ? `📎 ${file.fileName}` : `${file.caption} (📎 ${file.fileName})` }
}
