/**
 * Hash routes: `#/` home (on a phone, the room list), `#/new` new or join a room, `#/profile` the
 * user's profile, `#/room/<id>` a room, `#join=<code>` an invitation, `#/contacts` the contacts,
 * `#contact=<card>` someone's contact link. The code lives in
 * the fragment, which browsers never send to the server.
 */
import { signal } from '@preact/signals'

export type Route =
  | { name: 'home', invitedCode: string | null }
  | { name: 'room', id: string }
  | { name: 'new' }
  | { name: 'profile' }
  | { name: 'contacts', card: string | null }

export const route = signal<Route>(parse(location.hash))

addEventListener('hashchange', () => { route.value = parse(location.hash) })

export function navigate (to: Route): void {
  const hash = to.name === 'room' ? `#/room/${to.id}` : to.name === 'home' ? '#/' : `#/${to.name}`
  if (location.hash !== hash) location.hash = hash
  route.value = to
}

export function parse (hash: string): Route {
  const join = /^#join=(.+)$/.exec(hash)
  if (join !== null) return { name: 'home', invitedCode: decodeURIComponent(join[1]) }
  const room = /^#\/room\/([0-9a-f]{64})$/.exec(hash)
  if (room !== null) return { name: 'room', id: room[1] }
  if (hash === '#/new') return { name: 'new' }
  if (hash === '#/profile') return { name: 'profile' }
  if (hash === '#/contacts') return { name: 'contacts', card: null }
  if (hash.startsWith('#contact=')) return { name: 'contacts', card: hash.slice(1) }
  return { name: 'home', invitedCode: null }
}

/** The link that invites someone to a room. */
export function shareLink (code: string): string {
  return `${location.origin}/#join=${code}`
}
