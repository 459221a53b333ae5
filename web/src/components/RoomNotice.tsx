import type { MessageRecord } from '../../../src/store/store.js'
import { formatFull } from '../format.js'
import { noticeText } from '../notice-text.js'

/** A notice in the log (joined, left, named the room): a small centred line. */
export function RoomNotice ({ message, self }: { message: MessageRecord, self: boolean }) {
  return (
    <p class='system-notice' data-key={`${message.author}:${message.seq}`} title={formatFull(message.timestamp)}>
      {noticeText(message, self ? 'You' : message.name)}
    </p>
  )
}
