import { activeRoom, client, displayName, dropUnsent, retryUnsent, unsent } from '../state.js'
import { bytesToHex } from '../../../src/bytes.js'
import { formatFull, formatTime } from '../format.js'
import { Avatar } from './Avatar.js'

/**
 * The user's messages this device could not save (out of space), so never sent: they stay in
 * the conversation, marked, with a way to try again once there is room.
 */
export function UnsentMessages () {
  const room = activeRoom.value
  const list = unsent.value.filter(m => m.roomId === room?.id)
  if (list.length === 0) return null
  const self = client.value === null ? '00' : bytesToHex(client.value.identity.publicKey)
  return (
    <>
      {list.map(m => (
        <article key={`unsent:${m.id}`} class='message mine unsent' aria-label={`You, ${formatTime(m.timestamp)}, not sent`}>
          <Avatar name={displayName.value} personKey={self} />
          <div class='bubble'>
            <header>
              <span class='author'>{displayName.value}<span class='you'> (you)</span></span>
              <time dateTime={new Date(m.timestamp).toISOString()} title={formatFull(m.timestamp)}>{formatTime(m.timestamp)}</time>
            </header>
            <p class='text'>{m.text}</p>
            <span class='delivery failed'>Not sent: it could not be saved on this device</span>
            <span class='unsent-actions'>
              <button type='button' class='subtle' onClick={() => { void retryUnsent(m.id) }}>Try again</button>
              <button type='button' class='subtle' onClick={() => { dropUnsent(m.id) }}>Delete</button>
            </span>
          </div>
        </article>
      ))}
    </>
  )
}
