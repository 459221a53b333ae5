/**
 * Between signed messages (the wire) and message records (the store).
 */
import { bytesToHex, hexToBytes } from '../bytes.js'
import { decodeTextBody, isStoredKind } from '../protocol/bodies.js'
import type { SignedMessage } from '../protocol/envelope.js'
import type { MessageRecord } from '../store/store.js'
import type { Epoch } from './epochs.js'

/** A record for the store from a signed chat message of an epoch. */
export function toRecord (roomId: string, epoch: Epoch, message: SignedMessage, receivedAt: number,
  state: MessageRecord['state'], body = decodeTextBody(message.body)): MessageRecord {
  if (!isStoredKind(message.kind)) throw new TypeError(`kind ${message.kind} is not stored`)
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
