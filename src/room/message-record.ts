/**
 * Between signed messages (the wire) and message records (the store).
 */
import { bytesToHex, hexToBytes } from '../bytes.js'
import { Kind, decodeTextBody, isStoredKind } from '../protocol/bodies.js'
import { decodeMembershipBody, decodeReplyBody, decodeRoomNameBody } from '../protocol/conversation-bodies.js'
import type { SignedMessage } from '../protocol/envelope.js'
import { decodeFileBody } from '../protocol/file-body.js'
import type { MessageRecord } from '../store/store.js'
import type { Epoch } from './epochs.js'

/** A record for the store from a signed, stored message of an epoch. */
export function toRecord (roomId: string, epoch: Epoch, message: SignedMessage, receivedAt: number,
  state: MessageRecord['state']): MessageRecord {
  if (!isStoredKind(message.kind)) throw new TypeError(`kind ${message.kind} is not stored`)
  return { ...baseRecord(roomId, epoch, message, receivedAt, state), ...displayFields(message) }
}

/** The decoded fields of a record: name and text of a message, what a reply quotes, what a notice says. */
function displayFields (message: SignedMessage): Pick<MessageRecord, 'name' | 'text' | 'replyTo' | 'membership' | 'renamed'> {
  switch (message.kind) {
    case Kind.Text: return decodeTextBody(message.body)
    case Kind.Reply: {
      const reply = decodeReplyBody(message.body)
      return { name: reply.name, text: reply.text, replyTo: { author: bytesToHex(reply.targetAuthor), seq: reply.targetSeq } }
    }
    case Kind.Membership: {
      const notice = decodeMembershipBody(message.body)
      return { name: notice.name, text: '', membership: notice.action }
    }
    case Kind.File: return fileText(message.body)
    case Kind.RoomName: return { name: '', text: '', renamed: decodeRoomNameBody(message.body).name }
    default: return { name: '', text: '' }
  }
}

function baseRecord (roomId: string, epoch: Epoch, message: SignedMessage, receivedAt: number,
  state: MessageRecord['state']): Omit<MessageRecord, 'name' | 'text'> {
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
    state
  }
}

/**
 * A record as the log shows it: a room naming stored before records said the name reads it from
 * its body. Undefined for one whose body cannot be read (earlier versions stored a synced naming
 * before checking it).
 */
export function asShown (record: MessageRecord): MessageRecord | undefined {
  if (record.kind !== Kind.RoomName || record.renamed !== undefined) return record
  try {
    return { ...record, renamed: decodeRoomNameBody(record.body).name }
  } catch {
    return undefined
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
