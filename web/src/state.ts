/**
 * The app's state, as signals, and the actions that change it. Components read signals and call
 * actions; only this file talks to the core's Client.
 */
import { batch, computed, effect, signal } from '@preact/signals'
import type { Client } from '../../src/client/client.js'
import { roomTitle } from '../../src/room/room.js'
import type { MemberView, Room } from '../../src/room/room.js'
import type { MessageRecord, RoomRecord, Store } from '../../src/store/store.js'
import { compareMessages } from '../../src/store/store.js'
import { IdbStore } from '../../src/store/idb-store.js'
import { describeFault, isStorageFault, reportingStore } from './reporting-store.js'
import { bytesToHex } from '../../src/bytes.js'
import { countUnread, isUnread, titleWithUnread, unreadTotal } from './unread.js'
import type { RoomSummary } from './unread.js'
import { notificationsAllowed, notificationsUndecided, showNotification } from './notify.js'
import { navigate } from './router.js'
import { blockedKeys, loadContacts, refreshOwnLink, roomLabel } from './contacts-state.js'
import { replyingTo } from './replies.js'
import { openIdentity, otherDeviceSeen } from './identity-actions.js'

export type NetworkState = 'starting' | 'connecting' | 'online' | 'offline'

export const client = signal<Client | null>(null)
export const displayName = signal('')
export const rooms = signal<RoomRecord[]>([])
export const activeRoom = signal<Room | null>(null)
export const messages = signal<MessageRecord[]>([])
export const members = signal<MemberView[]>([])
export const roomPeers = signal(0)
/** Whether the network holds a direct connection to another member (of any room), not only the relay. */
export const memberConnected = signal(false)
export const network = signal<NetworkState>('starting')
/** A problem the user must know about (e.g. history cannot be saved on this device). */
export const notice = signal<string | null>(null)
/** The active room's current code (it changes when the room is rotated). */
export const roomCode = signal('')
/** Set when the active room's members removed us. */
export const removedFromRoom = signal(false)
/** What the last failed storage write means for the user; null while storage works. */
export const storageFault = signal<string | null>(null)
/**
 * Where history is kept: `persistent` (the browser will not clear it to make room), `best-effort`
 * (it may), `memory` (nothing is saved), or `unknown` where the browser cannot say.
 */
export const storageMode = signal<'persistent' | 'best-effort' | 'memory' | 'unknown'>('unknown')

/** A message the device could not save, so it was never sent: shown until sent again or dropped. */
export interface UnsentMessage {
  readonly id: number
  readonly roomId: string
  readonly text: string
  readonly timestamp: number
}
export const unsent = signal<UnsentMessage[]>([])
let unsentIds = 0
let persistenceAsked = false

/** How many messages a room shows when opened (a screenful and more; older pages load on scrolling up). */
const HISTORY_PAGE = 60

let detachRoom: Array<() => void> = []

/**
 * Opens the store and the identity; everything on screen comes from here before the network.
 * With the app lock on, `onLocked` shows the lock screen and this resolves once unlocked.
 */
export async function boot (onLocked: () => void = () => {}): Promise<Client> {
  let store: Store
  try {
    store = await IdbStore.open()
    void checkPersistence()
  } catch {
    // Only private browsing comes here: the fallback is not part of the first download.
    const { MemoryStore } = await import('../../src/store/memory-store.js')
    store = new MemoryStore()
    storageMode.value = 'memory'
    notice.value = 'This browser does not let the app save anything (private browsing?). You can chat, but your rooms and messages are gone when you close this page.'
  }
  store = reportingStore(store, {
    onFault: fault => { storageFault.value = describeFault(fault) },
    onRecovered: () => { storageFault.value = null }
  })
  const opened = await openIdentity(store, onLocked)
  opened.on('rooms', list => { rooms.value = list })
  opened.on('message', onAnyMessage)
  batch(() => {
    client.value = opened
    displayName.value = opened.displayName
  })
  rooms.value = await opened.listRooms()
  void loadContacts(opened)
  return opened
}

export async function setDisplayName (name: string): Promise<void> {
  const c = requireClient()
  await c.setDisplayName(name)
  displayName.value = c.displayName
  void refreshOwnLink()
}

export async function createRoom (): Promise<Room> {
  const room = await requireClient().createRoom()
  void requestPersistence()
  await showRoom(room)
  return room
}

/** @throws InvalidRoomCodeError for a mistyped code */
export async function joinRoom (code: string): Promise<Room> {
  const room = await requireClient().joinRoom(code)
  void requestPersistence()
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
  const target = replyingTo.value?.roomId === room.id ? replyingTo.value : null
  try {
    if (target !== null) await room.reply(target.author, target.seq, text)
    else await room.send(text)
    if (replyingTo.value === target) replyingTo.value = null
  } catch (err) {
    if (!isStorageFault(err)) throw err
    // Stored after all (a later write failed)? Then it is in the outbox and goes out by itself.
    const history = await room.history(HISTORY_PAGE).catch(() => null)
    const self = bytesToHex(requireClient().identity.publicKey)
    if (history !== null && activeRoom.value === room) messages.value = history
    const kept = history?.some(m => m.author === self && m.state === 'pending' && m.text === text) ?? false
    if (!kept) unsent.value = [...unsent.value, { id: ++unsentIds, roomId: room.id, text, timestamp: Date.now() }]
    return
  }
  offerNotifications()
}

/** Tries again to send a message the device could not save. */
export async function retryUnsent (id: number): Promise<void> {
  const message = unsent.value.find(m => m.id === id)
  if (message === undefined) return
  unsent.value = unsent.value.filter(m => m.id !== id)
  await send(message.text)
}

/** Forgets a message the device could not save. */
export function dropUnsent (id: number): void {
  unsent.value = unsent.value.filter(m => m.id !== id)
}

/** Reads whether the browser already keeps this app's storage for good. */
async function checkPersistence (): Promise<void> {
  if (navigator.storage?.persisted === undefined) return
  storageMode.value = await navigator.storage.persisted().catch(() => false) ? 'persistent' : 'best-effort'
}

/**
 * Asks the browser to keep history even when space runs low. Asked once the user has a room (a
 * moment where keeping it is obviously wanted); browsers may grant it silently or prompt.
 */
async function requestPersistence (): Promise<void> {
  if (persistenceAsked || storageMode.value !== 'best-effort' || navigator.storage?.persist === undefined) return
  persistenceAsked = true
  if (await navigator.storage.persist().catch(() => false)) storageMode.value = 'persistent'
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
    hasOlder.value = history.length >= HISTORY_PAGE
    readMarker.value = rooms.value.find(r => r.id === room.id)?.lastRead
  })
  markReadIfSeen()
  detachRoom = [
    room.on('message', message => { messages.value = insertSorted(messages.value, message) }),
    room.on('message-state', updated => {
      messages.value = messages.value.map(m => m.author === updated.author && m.seq === updated.seq ? updated : m)
    }),
    room.on('members', list => { members.value = list }),
    room.on('message-updated', updated => {
      messages.value = messages.value.map(m => m.author === updated.author && m.seq === updated.seq ? updated : m)
    }),
    room.on('typing', keys => { typingNames.value = keys.map(memberName) }),
    room.on('receipts', () => { receiptsVersion.value++ }),
    room.on('epoch', ({ code }) => { roomCode.value = code.display }),
    room.on('removed', () => { removedFromRoom.value = true }),
    room.on('other-device', () => { otherDeviceSeen.value = true }),
    room.on('message-renumbered', ({ from, record }) => {
      // Only what is on screen moves: edits, reactions and names are renumbered too, unseen.
      const moved = (m: MessageRecord): boolean => m.author === record.author && m.seq === from
      if (messages.value.some(moved)) messages.value = insertSorted(messages.value.filter(m => !moved(m)), record)
    }),
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

// ---- The messenger around the rooms: summaries, unread, notifications, search, leaving. ----

/** Last message and unread count of every room, by id. */
export const summaries = signal<Record<string, RoomSummary>>({})
/** The user's public key, hex: their own messages are never unread. */
export const selfKey = computed(() => client.value === null ? '' : bytesToHex(client.value.identity.publicKey))
/** Whether the active room has older messages than those loaded. */
export const hasOlder = signal(false)
export const loadingOlder = signal(false)
/** The active room's last-read time when it was opened: where the "unread" marker goes. */
export const readMarker = signal<number | undefined>(undefined)
/** A message to scroll to and highlight (from a search result). */
export const focusedMessage = signal<{ roomId: string, author: string, seq: number } | null>(null)
/** Shown after the user's first message when notifications were never allowed nor refused. */
export const notificationPrompt = signal(false)
/** Unread messages in rooms that are not muted. */
export const totalUnread = computed(() => unreadTotal(rooms.value, summaries.value))

/** How many recent messages are read per room for its preview and unread count at start. */
const SUMMARY_PAGE = 100
/** Older messages (history caught up from others) do not notify. */
const NOTIFY_MAX_AGE_MS = 10 * 60_000
const PROMPT_DISMISSED = 'meshchat.notifications-prompt-dismissed'

effect(() => { document.title = titleWithUnread('Meshchat', totalUnread.value) })
addEventListener('visibilitychange', () => { markReadIfSeen() })
addEventListener('focus', () => { markReadIfSeen() })

/**
 * Opens every joined room, so messages arrive in all of them (not only the one on screen), and
 * reads each room's newest messages for the list (previews, unread counts).
 */
export async function startAllRooms (c: Client): Promise<void> {
  const now = Date.now()
  for (const record of rooms.value) {
    // Rooms from before unread counts existed start with everything read.
    if (record.lastRead === undefined) await c.updateRoom(record.id, { lastRead: now })
    const room = await c.openRoom(record.id)
    if (room === undefined) continue
    const recent = await room.history(SUMMARY_PAGE)
    const lastRead = record.lastRead ?? now
    const current = summaries.value[record.id]
    summaries.value = {
      ...summaries.value,
      [record.id]: {
        last: latest(current?.last, recent[recent.length - 1]),
        unread: Math.max(current?.unread ?? 0, countUnread(recent, lastRead, selfKey.value))
      }
    }
  }
}

function latest (a: MessageRecord | undefined, b: MessageRecord | undefined): MessageRecord | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return compareMessages(a, b) >= 0 ? a : b
}

/** True when the user can see this room now. */
function roomInView (roomId: string): boolean {
  return activeRoom.value?.id === roomId && document.visibilityState === 'visible'
}

function onAnyMessage (message: MessageRecord): void {
  if (blockedKeys.value.has(message.author)) return // hidden: no preview, no unread, no notification
  const before = summaries.value[message.roomId]
  const record = rooms.value.find(r => r.id === message.roomId)
  const seen = roomInView(message.roomId)
  const unread = !seen && isUnread(message, record?.lastRead ?? 0, selfKey.value)
  summaries.value = {
    ...summaries.value,
    [message.roomId]: { last: latest(before?.last, message), unread: (before?.unread ?? 0) + (unread ? 1 : 0) }
  }
  if (seen) markRead(message.roomId)
  if (unread && document.visibilityState === 'hidden' && record?.muted !== true &&
    Date.now() - message.timestamp < NOTIFY_MAX_AGE_MS) {
    const title = `${roomLabel(record ?? { secret: '?????' })} · ${message.name}`
    showNotification(title, message.text, message.roomId, () => {
      navigate({ name: 'room', id: message.roomId })
    })
  }
}

/** Marks the active room read when the user can see it. */
function markReadIfSeen (): void {
  const room = activeRoom.value
  if (room !== null && roomInView(room.id)) markRead(room.id)
}

function markRead (roomId: string): void {
  const summary = summaries.value[roomId]
  if (summary !== undefined && summary.unread !== 0) summaries.value = { ...summaries.value, [roomId]: { ...summary, unread: 0 } }
  void client.value?.updateRoom(roomId, { lastRead: Date.now() })
}

/** Loads an older page of the active room's history. */
export async function loadOlder (): Promise<void> {
  const room = activeRoom.value
  if (room === null || loadingOlder.value || !hasOlder.value) return
  loadingOlder.value = true
  try {
    const limit = messages.value.length + HISTORY_PAGE
    const page = await room.history(limit)
    if (activeRoom.value !== room) return
    batch(() => {
      messages.value = page
      hasOlder.value = page.length >= limit
    })
  } finally {
    loadingOlder.value = false
  }
}

/** Opens a room at one of its messages (a search result); the list loads older pages until it is there. */
export function revealMessage (message: MessageRecord): void {
  focusedMessage.value = { roomId: message.roomId, author: message.author, seq: message.seq }
  navigate({ name: 'room', id: message.roomId })
}

/** Messages in the local history matching `query`, newest first; in one room when `roomId` is given. */
export async function searchMessages (query: string, roomId?: string): Promise<MessageRecord[]> {
  return await requireClient().searchMessages(query, { roomId, limit: 50 })
}

export async function setMuted (roomId: string, muted: boolean): Promise<void> {
  await requireClient().updateRoom(roomId, { muted })
}

/** Leaves a room on this device, and deletes its messages here when asked. */
export async function leaveRoom (roomId: string, deleteHistory: boolean): Promise<void> {
  if (activeRoom.value?.id === roomId) {
    closeRoom()
    navigate({ name: 'home', invitedCode: null })
  }
  await requireClient().leaveRoom(roomId, { deleteHistory })
  const { [roomId]: _left, ...rest } = summaries.value
  summaries.value = rest
}

/** Called after the user sends: the moment to offer notifications, once. */
export function offerNotifications (): void {
  if (notificationsUndecided() && localStorage.getItem(PROMPT_DISMISSED) === null) notificationPrompt.value = true
}

export function dismissNotificationPrompt (): void {
  localStorage.setItem(PROMPT_DISMISSED, '1')
  notificationPrompt.value = false
}

export async function enableNotifications (): Promise<boolean> {
  notificationPrompt.value = false
  const allowed = await Notification.requestPermission() === 'granted'
  if (!allowed) localStorage.setItem(PROMPT_DISMISSED, '1')
  return allowed && notificationsAllowed()
}

// ---- edits, deletions, reactions, typing, receipts ----

/** "author:seq" of the message being edited in place, if any. */
export const editing = signal<string | null>(null)
/** Names of the members typing in the active room. */
export const typingNames = signal<string[]>([])
/** Bumped when read receipts change, so "seen by" lines re-render. */
export const receiptsVersion = signal(0)

/** A member's display name in the active room, or a short key when unknown. */
export function memberName (key: string): string {
  return members.value.find(m => m.key === key)?.name ?? `${key.slice(0, 8)}…`
}

/** Names the active room for everyone in it ('' for no name). @throws RangeError when too long */
export async function renameRoom (name: string): Promise<void> {
  await activeRoom.value?.rename(name)
}

export async function editMessage (message: MessageRecord, text: string): Promise<void> {
  await activeRoom.value?.edit(message.seq, text)
}

export async function deleteMessage (message: MessageRecord): Promise<void> {
  await activeRoom.value?.deleteMessage(message.seq)
}

export async function toggleReaction (message: MessageRecord, emoji: string, on: boolean): Promise<void> {
  await activeRoom.value?.react(message.author, message.seq, emoji, on)
}

let typingSentAt = 0
let typingStop: ReturnType<typeof setTimeout> | undefined
/** Called as the user types: says "typing" at most every 3 s, and "stopped" after 4 s of quiet. */
export function noteTyping (): void {
  const room = activeRoom.value
  if (room === null) return
  const now = Date.now()
  if (now - typingSentAt > 3_000) {
    typingSentAt = now
    void room.setTyping(true).catch(() => {})
  }
  clearTimeout(typingStop)
  typingStop = setTimeout(() => {
    typingSentAt = 0
    void room.setTyping(false).catch(() => {})
  }, 4_000)
}

const READ_RECEIPT_INTERVAL_MS = 1_000
let readSentAt = 0
let readLater: ReturnType<typeof setTimeout> | undefined
/**
 * Tells the room we have read what is on screen: at most once a second, so within a second of
 * the last time it waits for the end of that second. (Dropped instead, the receipt for the last
 * of a few quick messages never went, and the sender saw "Sent" where the message was read.)
 */
export function noteRead (): void {
  const room = activeRoom.value
  if (room === null || document.visibilityState !== 'visible') return
  const wait = readSentAt + READ_RECEIPT_INTERVAL_MS - Date.now()
  if (wait > 0) {
    readLater ??= setTimeout(() => { readLater = undefined; noteRead() }, wait)
    return
  }
  readSentAt = Date.now()
  void room.markRead().catch(() => {})
}

/** Names of the members who have read our message `seq` in the active room. */
export function seenBy (seq: number): string[] {
  void receiptsVersion.value // re-evaluate when receipts change
  return activeRoom.value?.seenBy(seq).map(memberName) ?? []
}
