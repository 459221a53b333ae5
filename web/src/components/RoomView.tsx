import { useEffect, useRef, useState } from 'preact/hooks'
import { MAX_TEXT_BYTES } from '../../../src/protocol/constants.js'
import { utf8 } from '../../../src/bytes.js'
import type { Room } from '../../../src/room/room.js'
import { activeRoom, members, messages, network, roomPeers, send } from '../state.js'
import { navigate, shareLink } from '../router.js'
import { Avatar } from './Avatar.js'
import { CopyField } from './CopyField.js'
import { MessageList } from './MessageList.js'

export function RoomView ({ room }: { room: Room }) {
  const online = members.value.filter(m => m.online && !m.self).length
  return (
    <section class='room' aria-labelledby='room-title'>
      <header class='room-header'>
        <button type='button' class='back' aria-label='Back to rooms' onClick={() => { navigate({ name: 'home', invitedCode: null }) }}>‹</button>
        <div>
          <h1 id='room-title'>{roomTitle(room)}</h1>
          <p class='status' role='status'>{statusLine(online)}</p>
        </div>
      </header>
      <div class='room-body'>
        <div class='conversation'>
          <MessageList />
          <Composer />
        </div>
        <aside class='room-info' aria-label='Room details'>
          <details open={messages.value.length === 0 || matchMedia('(min-width: 761px)').matches || undefined} class='invite'>
            <summary>Invite people</summary>
            <p class='hint'>Anyone with this code can read and write in this room. Share it only with them.</p>
            <CopyField id='room-code' label='Room code' value={room.code.display} />
            <CopyField id='share-link' label='Share link' value={shareLink(room.code.display)} />
          </details>
          <h2 class='members-title'>People <span class='count'>{members.value.length}</span></h2>
          <ul class='members' aria-label='People in this room'>
            {members.value.map(m => (
              <li key={m.key}>
                <Avatar name={m.name} personKey={m.key} size={28} />
                <span class='member-name'>{m.name}{m.self ? ' (you)' : ''}</span>
                <span class={m.online ? 'presence on' : 'presence'}>{m.online ? 'online' : 'offline'}</span>
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </section>
  )
}

export function roomTitle (room: Pick<Room, 'code'>): string {
  return `Room ${room.code.display.slice(0, 5)}`
}

function statusLine (online: number): string {
  switch (network.value) {
    case 'starting': return 'Starting…'
    case 'offline': return 'Offline: messages will be sent when you are back online'
    case 'connecting': return 'Connecting to the relay…'
    case 'online':
      if (roomPeers.value === 0) return 'Connected · waiting for others to join'
      return `Connected to ${roomPeers.value} ${roomPeers.value === 1 ? 'person' : 'people'} · ${online} online`
  }
}

function Composer () {
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const input = useRef<HTMLTextAreaElement>(null)
  useEffect(() => { input.current?.focus() }, [activeRoom.value])

  const submit = async (): Promise<void> => {
    const value = text.trim()
    if (value === '') return
    if (utf8(value).length > MAX_TEXT_BYTES) {
      setError(`This message is too long (the limit is ${MAX_TEXT_BYTES.toLocaleString()} bytes).`)
      return
    }
    setText('')
    setError(null)
    try {
      await send(value)
    } catch (err) {
      setText(value)
      setError(`Not sent: ${(err as Error).message}`)
    }
  }

  return (
    <form class='composer' onSubmit={e => { e.preventDefault(); void submit() }}>
      {error !== null && <p class='error' role='alert'>{error}</p>}
      <label for='message' class='visually-hidden'>Message</label>
      <textarea id='message' ref={input} rows={1} placeholder='Write a message' value={text}
        aria-label='Message'
        onInput={e => { setText(e.currentTarget.value) }}
        onKeyDown={e => {
          // Enter sends; Shift+Enter (and Enter while composing with an IME) adds a line.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault()
            void submit()
          }
        }} />
      <button type='submit' class='primary' disabled={text.trim() === ''}>Send</button>
    </form>
  )
}
