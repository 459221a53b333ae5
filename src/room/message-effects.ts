/**
 * What edits, deletions and reactions do to the message they refer to. Pure functions over
 * store records; the room stores the result. Each is safe to apply in any order and more than
 * once, because history sync may deliver them late, early or twice.
 */
import type { MessageRecord } from '../store/store.js'

/** The target with the edit's text, unless a later edit (or a deletion) already won. */
export function applyEdit (target: MessageRecord, edit: { seq: number, timestamp: number }, text: string): MessageRecord | undefined {
  if (target.deleted === true || (target.editSeq ?? 0) >= edit.seq) return undefined
  return { ...target, text, editedAt: edit.timestamp, editSeq: edit.seq }
}

/** The target as a tombstone: its text and signed body are dropped from this device. */
export function applyDelete (target: MessageRecord): MessageRecord | undefined {
  if (target.deleted === true) return undefined
  return { ...target, text: '', body: new Uint8Array(), signature: new Uint8Array(), deleted: true, reactions: undefined }
}

/** A tombstone for a message deleted before we ever held it: fills the gap, keeps it out. */
export function tombstone (template: Pick<MessageRecord, 'roomId' | 'author' | 'epoch' | 'timestamp' | 'receivedAt'>, seq: number): MessageRecord {
  return {
    ...template,
    seq,
    kind: 1,
    body: new Uint8Array(),
    signature: new Uint8Array(),
    name: '',
    text: '',
    state: 'received',
    deleted: true
  }
}

/** The target with `reactor`'s `emoji` reaction turned on or off. */
export function applyReaction (target: MessageRecord, reactor: string, emoji: string, on: boolean): MessageRecord | undefined {
  if (target.deleted === true) return undefined
  const reactions = { ...(target.reactions ?? {}) }
  const who = new Set(reactions[emoji] ?? [])
  if (on === who.has(reactor)) return undefined
  if (on) who.add(reactor)
  else who.delete(reactor)
  if (who.size === 0) delete reactions[emoji]
  else reactions[emoji] = [...who]
  return { ...target, reactions }
}
