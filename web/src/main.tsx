import { render } from 'preact'
import type { VNode } from 'preact'
import { App, Home } from './components/App.js'
import { activateWaitingWorker, registerServiceWorker } from './register-service-worker.js'
import { startNetwork } from './start-network.js'
import { activeRoom, boot, memberConnected, openRoom, roomPeers, startAllRooms } from './state.js'
import { route } from './router.js'
import { startContacts } from './contacts-state.js'
import { effect } from '@preact/signals'
import './styles.css'

// First of all: the browser's locale library starts in a worker, on another core, while this
// thread opens the database (see locale-warmup.ts).
new Worker(new URL('./locale-warmup.ts', import.meta.url))

const root = document.getElementById('app')!

/** How long the rest of the app waits for the first screen, ms (see afterFirstScreen). */
const FIRST_SCREEN_WAIT_MS = 3_000
/** How long an invitation's page waits for the join before starting the rest, ms (see afterJoin). */
const JOIN_WAIT_MS = 10_000

// A new visitor's first screen (create or join a room) is loaded on demand; fetch it now, beside
// the boot, so that it is there for the first render. A link to a room shows the room instead.
// (If the fetch fails, the screen says so when it is shown, and tries again.)
if (route.value.name !== 'room') Home.preload().catch(() => {})

/** Renders into the page; the static "Loading…" placeholder goes first, or it stays below the app. */
function show (node: VNode): void {
  root.querySelector(':scope > p.boot')?.remove()
  render(node, root)
}

/** Opens the store and the identity (past the lock screen, when the app is locked), then the app. */
async function start (): Promise<void> {
  // The lock screen's code loads only when the app is locked.
  const client = await boot(() => { void import('./components/LockScreen.js').then(({ LockScreen }) => { show(<LockScreen />) }) })
  // Leaving the page: say goodbye, so others see us offline now rather than after a timeout.
  addEventListener('pagehide', () => { void client.close() })
  // A link to a room: the room opens before the first render, so the page goes from "Loading…"
  // straight to its history, without an empty room list being laid out and painted in between.
  // (An unknown room is left to the app, which shows the home screen.)
  const linked = route.value
  if (linked.name === 'room') await openRoom(linked.id).catch(() => undefined)
  show(<App />)

  // Every other room (previews, unread counts), the network, the service worker and the
  // contacts' inbox come after the first paint of rooms and history: the room on screen reads its
  // history first, and the network is most of the download (and compiling it holds the page for a
  // moment), and the worker's install fetches the whole app again. Except that whoever opens an
  // invitation is about to join and has no history to see: there the network starts at once, and
  // connects to the room's members while they type their name.
  let networkLoaded = (): void => {}
  const loaded = new Promise<void>(resolve => { networkLoaded = resolve })
  const connect = (): void => { startNetwork(client, { onLoaded: networkLoaded }) }
  const invitedCode = linked.name === 'home' ? linked.invitedCode : null
  const invited = invitedCode !== null
  if (invited) {
    client.prepareJoin(invitedCode)
    connect()
  }
  // For an invitation, that first screen is the join form, with the join under way: the rest
  // waits until the page has connected to a member of the room.
  const afterStart = invited ? afterJoin : afterFirstScreen
  afterStart(() => {
    const worker = registerServiceWorker().catch((err: Error) => {
      console.warn(`The app will not work offline: ${err.message}`)
      return undefined
    })
    void Promise.all([worker, loaded]).then(([registration]) => { activateWaitingWorker(registration) })
    void startAllRooms(client)
    if (!invited) connect()
    void startContacts(client)
  })
}

// Not awaited at the top level: this module is built into the same chunk as the modules the lock
// screen imports, and a chunk waiting at its top level for the unlock would keep the lock screen
// from loading.
void start()

/**
 * Runs `fn` when the page is idle after the first screen (a room's history, or any other page),
 * or after a few seconds whatever the screen shows.
 */
function afterFirstScreen (fn: () => void): void {
  whenIdleAfter(() => route.value.name !== 'room' || activeRoom.value !== null, FIRST_SCREEN_WAIT_MS, fn)
}

/**
 * Runs `fn` when the page is idle after the invitation's page has connected to a member of the
 * room (it does while the join form is shown), or after a while whatever happened. Until then the
 * page's one thread is what the join waits on.
 */
function afterJoin (fn: () => void): void {
  whenIdleAfter(() => memberConnected.value || roomPeers.value > 0, JOIN_WAIT_MS, fn)
}

/** Runs `fn` once, when the page is idle after `ready()` holds, or after `waitMs` whatever. */
function whenIdleAfter (ready: () => boolean, waitMs: number, fn: () => void): void {
  let done = false
  const go = (): void => {
    if (done) return
    done = true
    requestIdleCallback(fn, { timeout: 500 })
  }
  setTimeout(go, waitMs)
  const stop = effect(() => {
    if (!ready()) return
    go()
    queueMicrotask(() => { stop() })
  })
}
