import { useEffect } from 'preact/hooks'
import { roomTitle } from '../../../src/room/room.js'
import { activeRoom, closeRoom, displayName, network, notice, openRoom, rooms } from '../state.js'
import { navigate, route } from '../router.js'
import { Home } from './Home.js'
import { RoomView } from './RoomView.js'

export function App () {
  const current = route.value
  const room = activeRoom.value

  useEffect(() => {
    if (current.name === 'room' && room?.id !== current.id) {
      void openRoom(current.id).then(opened => {
        if (opened === undefined) navigate({ name: 'home', invitedCode: null })
      })
    }
    if (current.name === 'home' && room !== null) closeRoom()
  }, [current])

  const view = current.name === 'room' ? 'room' : 'home'
  return (
    <div class='layout' data-view={view}>
      <a class='skip' href='#main-content'>Skip to content</a>
      <nav class='sidebar' aria-label='Your rooms'>
        <div class='brand'>
          <img src='/icon.svg' alt='' width={28} height={28} />
          <span>Meshchat</span>
        </div>
        <a class='new-room' href='#/'>+ New or join a room</a>
        <h2 class='rooms-title'>Rooms</h2>
        {rooms.value.length === 0
          ? <p class='hint'>Rooms you create or join appear here.</p>
          : (
            <ul class='room-list'>
              {rooms.value.map(r => {
                const title = roomTitle(r)
                return (
                  <li key={r.id}>
                    <a href={`#/room/${r.id}`} aria-current={current.name === 'room' && current.id === r.id ? 'page' : undefined}>
                      {title}
                    </a>
                  </li>
                )
              })}
            </ul>)}
        <p class='me'>
          {displayName.value !== '' ? <>You are <strong>{displayName.value}</strong> · </> : null}
          <span class={`net ${network.value}`}>{networkLabel()}</span>
        </p>
      </nav>
      <main id='main-content' tabIndex={-1}>
        {notice.value !== null && <p class='notice' role='alert'>{notice.value}</p>}
        {current.name === 'room'
          ? (room !== null && room.id === current.id ? <RoomView room={room} /> : <p class='boot'>Opening room…</p>)
          : <Home invitedCode={current.invitedCode} key={current.invitedCode ?? ''} />}
      </main>
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
