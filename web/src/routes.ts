/**
 * Hash routes: `#/` home (on a phone, the room list), `#/new` new or join a room, `#/profile` the
 * user's profile, `#/room/<id>` a room, `#join=<code>` an invitation, `#/contacts` the contacts,
 * `#contact=<card>` someone's contact link. The code lives in the fragment, which browsers never
 * send to the server. Pure: no DOM, so it can be tested in Node.
 */
export type Route =
  | { name: 'home', invitedCode: string | null }
  | { name: 'room', id: string }
  | { name: 'new' }
  | { name: 'profile' }
  | { name: 'contacts', card: string | null }

/** The route a URL fragment names; anything unknown is home. */
export function parse (hash: string): Route {
  const join = /^#join=(.+)$/.exec(hash)
  if (join !== null) return { name: 'home', invitedCode: decodeOrKeep(join[1]) }
  const room = /^#\/room\/([0-9a-f]{64})$/.exec(hash)
  if (room !== null) return { name: 'room', id: room[1] }
  if (hash === '#/new') return { name: 'new' }
  if (hash === '#/profile') return { name: 'profile' }
  if (hash === '#/contacts') return { name: 'contacts', card: null }
  if (hash.startsWith('#contact=')) return { name: 'contacts', card: hash.slice(1) }
  return { name: 'home', invitedCode: null }
}

/** A badly escaped code is shown as it is, for the join form to say what is wrong with it. */
function decodeOrKeep (text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
