import { useEffect, useRef } from 'preact/hooks'
import { client, messages } from '../state.js'
import { bytesToHex } from '../../../src/bytes.js'
import { formatFull, formatTime } from '../format.js'
import { Avatar } from './Avatar.js'

/** The conversation: a live log that keeps the newest message in view unless the user scrolled up. */
export function MessageList () {
  const list = useRef<HTMLDivElement>(null)
  const pinned = useRef(true)
  const self = client.value === null ? '' : bytesToHex(client.value.identity.publicKey)
  const items = messages.value

  useEffect(() => {
    const el = list.current
    if (el !== null && pinned.current) el.scrollTop = el.scrollHeight
  }, [items])

  return (
    <div class='messages' ref={list} role='log' aria-label='Messages' aria-live='polite'
      tabIndex={0}
      onScroll={e => {
        const el = e.currentTarget
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40
      }}>
      {items.length === 0 && <p class='empty'>No messages yet. Say hello, or invite someone first.</p>}
      {items.map((m, i) => {
        const mine = m.author === self
        const previous = items[i - 1]
        const grouped = previous !== undefined && previous.author === m.author && m.timestamp - previous.timestamp < 5 * 60_000
        return (
          <article key={`${m.author}:${m.seq}`} class={`message${mine ? ' mine' : ''}${grouped ? ' grouped' : ''}`}
            aria-label={`${mine ? 'You' : m.name}, ${formatTime(m.timestamp)}`}>
            {!grouped ? <Avatar name={m.name} personKey={m.author} /> : <span class='avatar-space' />}
            <div class='bubble'>
              {!grouped && (
                <header>
                  <span class='author'>{m.name}{mine && <span class='you'> (you)</span>}</span>
                  <time dateTime={new Date(m.timestamp).toISOString()} title={formatFull(m.timestamp)}>{formatTime(m.timestamp)}</time>
                </header>
              )}
              <p class='text'>{m.text}</p>
              {mine && (
                <span class={`delivery ${m.state}`}>
                  {m.state === 'pending' ? 'Waiting to send' : 'Sent'}
                </span>
              )}
            </div>
          </article>
        )
      })}
    </div>
  )
}
