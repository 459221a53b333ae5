/**
 * One identity on two devices (restored from a backup) shares one numbering per room: a message
 * is (room, author, seq), and every peer stores one message per number. So a device must never
 * send a number its other device already used, or one of the two messages is dropped by peers
 * as a duplicate.
 *
 * - A new number is always above every number of ours this device holds (history sync brings
 *   the other device's messages, see `Store.nextSeq`).
 * - Messages written while away wait as `pending`; before they go out the room hears a peer's
 *   history summary (our own highest number there). Any pending message whose number is taken
 *   is moved above it here, re-signed, keeping order; edits, deletions and reactions that point
 *   at a moved message are pointed at its new number.
 * - Messages already sent by both devices at once under the same number are handled by the room
 *   (`Room.onOwnConflict`): the one with the larger signature is sent again under a new number.
 */
import { bytesToHex } from '../bytes.js'
import type { Identity } from '../identity/identity.js'
import { Kind } from '../protocol/bodies.js'
import {
  decodeDeleteBody, decodeEditBody, decodeReactionBody, encodeDeleteBody, encodeEditBody, encodeReactionBody
} from '../protocol/content-bodies.js'
import { signMessage } from '../protocol/envelope.js'
import type { MessageRecord, Store } from '../store/store.js'
import type { Epoch } from './epochs.js'

export interface RenumberComponents {
  readonly store: Store
  readonly roomId: string
  readonly identity: Identity
  /** The epoch the moved messages are signed for (they are pending, so the current one). */
  readonly epoch: Epoch
}

/** A pending message of ours that moved to a new number. */
export interface Renumbered {
  readonly from: number
  readonly record: MessageRecord
}

/**
 * Moves our pending messages above `used` (the highest number of ours a peer holds) when any of
 * them is at or below it. Returns what moved, oldest first; nothing when no number clashes.
 */
export async function renumberPending (c: RenumberComponents, used: number): Promise<Renumbered[]> {
  const self = bytesToHex(c.identity.publicKey)
  const pending = (await c.store.pendingMessages(c.roomId)).filter(m => m.author === self).sort((a, b) => a.seq - b.seq)
  if (!pending.some(m => m.seq <= used)) return []
  const moves = new Map<number, number>()
  const out: Renumbered[] = []
  for (const old of pending) {
    let seq: number
    do seq = await c.store.nextSeq(c.roomId, used)
    while (await c.store.hasMessage(c.roomId, self, seq))
    moves.set(old.seq, seq)
    const body = retarget(old, self, moves)
    const signed = await signMessage(c.identity, c.epoch.epochId, { kind: old.kind, seq, timestamp: old.timestamp, body })
    const record: MessageRecord = { ...old, seq, epoch: bytesToHex(c.epoch.epochId), body, signature: signed.signature }
    // Added before the old one goes: an interruption leaves a duplicate at worst, never a loss.
    await c.store.addMessage(record)
    await c.store.removeMessage(c.roomId, self, old.seq)
    out.push({ from: old.seq, record })
  }
  return out
}

/** The body of an edit, deletion or reaction, pointed at the new number of a moved target. */
function retarget (record: MessageRecord, self: string, moves: Map<number, number>): Uint8Array {
  switch (record.kind) {
    case Kind.Edit: {
      const edit = decodeEditBody(record.body)
      const to = moves.get(edit.target)
      return to === undefined ? record.body : encodeEditBody({ ...edit, target: to })
    }
    case Kind.Delete: {
      const to = moves.get(decodeDeleteBody(record.body).target)
      return to === undefined ? record.body : encodeDeleteBody({ target: to })
    }
    case Kind.Reaction: {
      const reaction = decodeReactionBody(record.body)
      const to = bytesToHex(reaction.author) === self ? moves.get(reaction.target) : undefined
      return to === undefined ? record.body : encodeReactionBody({ ...reaction, target: to })
    }
    default:
      return record.body
  }
}
