/**
 * The app's state, as signals, and the actions that change it. Components read signals and call
 * actions; only this file talks to the core's Client.
 */
import { batch, signal } from '@preact/signals'
import { Client } from '../../src/client/client.js'
import type { MemberView, Room } from '../../src/room/room.js'
import type { MessageRecord, RoomRecord, Store } from '../../src/store/store.js'
import { compareMessages } from '../../src/store/store.js'
import { IdbStore } from '../../src/store/idb-store.js'
import { MemoryStore } from '../../src/store/memory-store.js'

export type NetworkState = 'starting' | 'connecting' | 'online' | 'offline'

export const client = signal<Client | null>(null)
export const displayName = signal('')
export const rooms = signal<RoomRecord[]>([])
export const activeRoom = signal<Room | null>(null)
export const messages = signal<MessageRecord[]>([])
export const members = signal<MemberView[]>([])
export const roomPeers = signal(0)
export const network = signal<NetworkState>('starting')
/** A problem the user must know about (e.g. history cannot be saved on this device). */
export const notice = signal<string | null>(null)
/** The active room's current code (it changes when the room is rotated). */
export const roomCode = signal('')
/** Set when the active room's members removed us. */
export const removedFromRoom = signal(false)

/** How many messages a room shows when opened. */
const HISTORY_PAGE = 200

let detachRoom: Array<() => void> = []

/** Opens the store and the identity; everything on screen comes from here before the network. */
export async function boot (): Promise<Client> {
  let store: Store
  try {
    store = await IdbStore.open()
  } catch {
    store = new MemoryStore()
    notice.value = 'This browser will not let the app save anything (private mode?): messages will be gone when you close the page.'
  }
  const opened = await Client.open({ store })
  opened.on('rooms', list => { rooms.value = list })
  batch(() => {
    client.value = opened
    displayName.value = opened.displayName
  })
  rooms.value = await opened.listRooms()
  return opened
}

export async function setDisplayName (name: string): Promise<void> {
  const c = requireClient()
  await c.setDisplayName(name)
  displayName.value = c.displayName
}

export async function createRoom (): Promise<Room> {
  const room = await requireClient().createRoom()
  await showRoom(room)
  return room
}

/** @throws InvalidRoomCodeError for a mistyped code */
export async function joinRoom (code: string): Promise<Room> {
  const room = await requireClient().joinRoom(code)
  await showRoom(room)
  return room
}

export async function openRoom (id: string): Promise<Room | undefined> {
  const room = await requireClient().openRoom(id)
  if (room !== undefined) await showRoom(room)
  return room
}

export function closeRoom (): void {
  for (const off of detachRoom) off()
  detachRoom = []
  activeRoom.value = null
}

export async function send (text: string): Promise<void> {
  const room = activeRoom.value
  if (room === null) return
  await room.send(text)
}

/** Starts a new code for the active room, without the members in `remove`. */
export async function rotateRoom (remove: string[] = []): Promise<void> {
  await activeRoom.value?.rotate(remove)
}

async function showRoom (room: Room): Promise<void> {
  if (activeRoom.value === room) return
  closeRoom()
  const history = await room.history(HISTORY_PAGE)
  batch(() => {
    activeRoom.value = room
    messages.value = history
    members.value = room.members()
    roomPeers.value = room.peerCount
    roomCode.value = room.code.display
    removedFromRoom.value = room.removed
  })
  detachRoom = [
    room.on('message', message => { messages.value = insertSorted(messages.value, message) }),
    room.on('message-state', updated => {
      messages.value = messages.value.map(m => m.author === updated.author && m.seq === updated.seq ? updated : m)
    }),
    room.on('members', list => { members.value = list }),
    room.on('epoch', ({ code }) => { roomCode.value = code.display }),
    room.on('removed', () => { removedFromRoom.value = true }),
    room.on('peers', count => {
      roomPeers.value = count
      members.value = room.members()
    })
  ]
}

function insertSorted (list: MessageRecord[], message: MessageRecord): MessageRecord[] {
  if (list.some(m => m.author === message.author && m.seq === message.seq)) return list
  const next = [...list, message]
  // Almost always already last; sort only when a message arrives out of order.
  if (list.length > 0 && compareMessages(list[list.length - 1], message) > 0) next.sort(compareMessages)
  return next
}

function requireClient (): Client {
  const c = client.value
  if (c === null) throw new Error('The app is still starting')
  return c
}
