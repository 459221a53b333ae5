import { useEffect, useRef, useState } from 'preact/hooks'
import { incomingRequests, roomLabel } from '../contacts-state.js'
import type { MessageRecord, RoomRecord } from '../../../src/store/store.js'
import { activeRoom, displayName, network, revealMessage, rooms, searchMessages, selfKey, summaries } from '../state.js'
import type { Route } from '../router.js'
import { listTime } from '../days.js'
import { badgeText, previewLine, sortRooms } from '../unread.js'
import { Avatar, initials } from './Avatar.js'
import { MessageText } from './MessageText.js'

const SEARCH_DELAY_MS = 150

/** The rooms list (on a phone, the home screen), message search, and the way to the profile. */
export function Sidebar ({ current }: { current: Route }) {
  const [query, setQuery] = useState('')
  const searching = query.trim() !== ''
  return (
    <nav class='sidebar' aria-label='Your rooms'>
      <div class='brand'>
        <img src='/icon.svg' alt='' width={28} height={28} />
        <span>Meshchat</span>
      </div>
      <form role='search' class='search' onSubmit={e => { e.preventDefault() }}>
        <input type='search' aria-label='Search messages' placeholder='Search messages' value={query}
          onInput={e => { setQuery(e.currentTarget.value) }}
          onKeyDown={e => { if (e.key === 'Escape') setQuery('') }} />
      </form>
      {searching
        ? <SearchResults query={query} />
        : (
          <>
            <a class='new-room' href='#/new' aria-current={current.name === 'new' ? 'page' : undefined}>+ New or join a room</a>
            <a class='contacts-link' href='#/contacts' aria-current={current.name === 'contacts' ? 'page' : undefined}>
              Contacts
              {incomingRequests.value.length > 0 && (
                <span class='badge'>{incomingRequests.value.length}<span class='visually-hidden'> contact requests</span></span>
              )}
            </a>
            <h2 class='rooms-title'>Rooms</h2>
            <RoomList current={current} />
          </>)}
      <footer class='sidebar-footer'>
        <a class='profile-link' href='#/profile' aria-current={current.name === 'profile' ? 'page' : undefined}>
          <Avatar name={displayName.value === '' ? '?' : displayName.value} personKey={selfKey.value || '00'} size={32} />
          <span class='profile-text'>
            <span class='profile-name'>{displayName.value !== '' ? displayName.value : 'Your profile'}</span>
            <span class={`net ${network.value}`}>{networkLabel()}</span>
          </span>
        </a>
      </footer>
    </nav>
  )
}

function RoomList ({ current }: { current: Route }) {
  const list = sortRooms(rooms.value, summaries.value)
  if (list.length === 0) return <p class='hint'>Rooms you create or join appear here.</p>
  return (
    <ul class='room-list'>
      {list.map(r => <RoomItem key={r.id} room={r} currentId={current.name === 'room' ? current.id : null} />)}
    </ul>
  )
}

function RoomItem ({ room, currentId }: { room: RoomRecord, currentId: string | null }) {
  const title = roomLabel(room)
  const summary = summaries.value[room.id]
  const last = summary?.last
  const unread = summary?.unread ?? 0
  const muted = room.muted === true
  return (
    <li>
      <a href={`#/room/${room.id}`} class={`room-item${unread > 0 ? ' has-unread' : ''}`}
        aria-current={currentId === room.id ? 'page' : undefined}>
        <RoomAvatar room={room} />
        <span class='room-main'>
          <span class='room-line'>
            <span class='room-name'>{title}</span>
            {muted && (
              <span class='muted-mark' title='Muted'>
                <svg width='14' height='14' viewBox='0 0 24 24' aria-hidden='true' fill='none' stroke='currentColor' stroke-width='2.2' stroke-linecap='round'>
                  <path d='M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9' /><path d='M3 3l18 18' />
                </svg>
                <span class='visually-hidden'> muted</span>
              </span>)}
            {last !== undefined && <time class='room-time' dateTime={new Date(last.timestamp).toISOString()}>{listTime(last.timestamp)}</time>}
          </span>
          <span class='room-line'>
            <span class='preview'>{last !== undefined ? previewLine(last, selfKey.value) : 'No messages yet'}</span>
            {unread > 0 && (
              <span class={`badge${muted ? ' muted' : ''}`}>
                {badgeText(unread)}<span class='visually-hidden'> unread {unread === 1 ? 'message' : 'messages'}</span>
              </span>
            )}
          </span>
        </span>
      </a>
    </li>
  )
}

/** A room's picture: the initials of its name, or the first letters of its code, on a colour of its own. */
export function RoomAvatar ({ room, size = 40 }: { room: Pick<RoomRecord, 'id' | 'secret' | 'direct' | 'named'>, size?: number }) {
  if (room.direct !== undefined) return <Avatar name={roomLabel(room)} personKey={room.direct} size={size} />
  const hue = parseInt(room.id.slice(0, 4), 16) % 360
  return (
    <span class='avatar room-avatar' aria-hidden='true'
      style={{ background: `hsl(${hue} 45% 38%)`, width: `${size}px`, height: `${size}px`, fontSize: `${size * 0.36}px` }}>
      {(room.named?.name.trim() ?? '') !== '' ? initials(room.named!.name) : room.secret.slice(0, 2)}
    </span>
  )
}

function SearchResults ({ query }: { query: string }) {
  const [onlyHere, setOnlyHere] = useState(false)
  const [results, setResults] = useState<MessageRecord[] | null>(null)
  const room = activeRoom.value
  const roomId = onlyHere && room !== null ? room.id : undefined
  const latestQuery = useRef('')

  useEffect(() => {
    const asked = `${query}\u0000${roomId ?? ''}`
    latestQuery.current = asked
    const timer = setTimeout(() => {
      void searchMessages(query, roomId).then(found => {
        if (latestQuery.current === asked) setResults(found)
      })
    }, SEARCH_DELAY_MS)
    return () => { clearTimeout(timer) }
  }, [query, roomId, rooms.value])

  const titles = new Map(rooms.value.map(r => [r.id, roomLabel(r)]))
  return (
    <div class='search-results'>
      {room !== null && (
        <label class='check'>
          <input type='checkbox' checked={onlyHere} onChange={e => { setOnlyHere(e.currentTarget.checked) }} />
          Only in {titles.get(room.id) ?? room.title}
        </label>
      )}
      <p class='hint' role='status'>
        {results === null ? 'Searching…' : results.length === 0 ? 'No messages found.' : `${results.length === 50 ? '50+' : results.length} ${results.length === 1 ? 'message' : 'messages'} found`}
      </p>
      {results !== null && results.length > 0 && (
        <ul class='result-list' aria-label='Search results'>
          {results.map(m => (
            <li key={`${m.roomId}:${m.author}:${m.seq}`}>
              <a href={`#/room/${m.roomId}`} class='result'
                onClick={e => { e.preventDefault(); revealMessage(m) }}>
                <span class='room-line'>
                  <span class='room-name'>{titles.get(m.roomId) ?? 'A room you left'}</span>
                  <time class='room-time' dateTime={new Date(m.timestamp).toISOString()}>{listTime(m.timestamp)}</time>
                </span>
                <span class='result-text'>
                  <strong>{m.author === selfKey.value ? 'You' : m.name}:</strong> <MessageText text={m.text} highlight={query} links={false} />
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function networkLabel (): string {
  switch (network.value) {
    case 'starting': return 'starting'
    case 'connecting': return 'connecting…'
    case 'online': return 'connected'
    case 'offline': return 'offline'
  }
}
