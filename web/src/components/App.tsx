import { useEffect } from 'preact/hooks'
import { activeRoom, closeRoom, notice, openRoom, rooms } from '../state.js'
import { navigate, route } from '../router.js'
import { lazy } from './lazy.js'
import { Sidebar } from './Sidebar.js'
import { RoomView } from './RoomView.js'
import { StorageFaultNotice } from './StorageStatus.js'
import { otherDeviceSeen } from '../identity-actions.js'

/** The start screen (create or join a room); main.tsx fetches it beside the boot for new visitors. */
export const Home = lazy(async () => (await import('./Home.js')).Home)
const Profile = lazy(async () => (await import('./Profile.js')).Profile)
const Contacts = lazy(async () => (await import('./Contacts.js')).Contacts)

export function App () {
  const current = route.value
  const room = activeRoom.value

  useEffect(() => {
    if (current.name === 'room' && room?.id !== current.id) {
      void openRoom(current.id).then(opened => {
        if (opened === undefined) navigate({ name: 'home', invitedCode: null })
      })
    }
    if (current.name !== 'room' && room !== null) closeRoom()
  }, [current])

  // On a phone one screen shows at a time: the room list is the home screen once there are rooms.
  const view = current.name !== 'home' ? current.name : current.invitedCode === null && rooms.value.length > 0 ? 'list' : 'home'
  return (
    <div class='layout' data-view={view}>
      <a class='skip' href='#main-content'>Skip to content</a>
      <Sidebar current={current} />
      <main id='main-content' tabIndex={-1}>
        {notice.value !== null && <p class='notice' role='alert'>{notice.value}</p>}
        <StorageFaultNotice />
        {otherDeviceSeen.value && (
          <p class='notice' role='alert'>
            Your identity is in use on another device at the same time. Messages from both reach everyone, but sending
            from both at once can show a message twice; use one device at a time.
          </p>
        )}
        {current.name === 'room'
          ? (room !== null && room.id === current.id ? <RoomView room={room} /> : <p class='boot'>Opening room…</p>)
          : current.name === 'profile'
            ? <><BackToRooms /><Profile /></>
            : current.name === 'contacts'
              ? <><BackToRooms /><Contacts card={current.card} /></>
            : current.name === 'new'
              ? <><BackToRooms /><Home invitedCode={null} /></>
              : <Home invitedCode={current.invitedCode} key={current.invitedCode ?? ''} />}
      </main>
    </div>
  )
}

/** On a phone, the way back from a full-screen page to the room list. */
function BackToRooms () {
  return <a class='back-to-rooms' href='#/'><span aria-hidden='true'>‹ </span>Rooms</a>
}
