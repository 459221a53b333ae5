/**
 * What a notice in a room's log says: "Ann joined", "You left", "Ann named the room “Trip”".
 * Pure: the log and the room list's preview both use it.
 */
import type { MessageRecord } from '../../src/store/store.js'

/** The notice's line, after `who` ("You", or the author's name; "Someone" when it is not known). */
export function noticeText (message: Pick<MessageRecord, 'membership' | 'renamed'>, who: string): string {
  const subject = who === '' ? 'Someone' : who
  if (message.renamed !== undefined) {
    const name = message.renamed.replace(/\s+/g, ' ').trim()
    return name === '' ? `${subject} removed the room's name` : `${subject} named the room “${name}”`
  }
  return `${subject} ${message.membership === 'left' ? 'left' : 'joined'}`
}
