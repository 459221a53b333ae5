/**
 * The current route, kept in step with the URL's fragment (see routes.ts for what each means).
 */
import { signal } from '@preact/signals'
import { parse } from './routes.js'
import type { Route } from './routes.js'

export type { Route }

export const route = signal<Route>(parse(location.hash))

addEventListener('hashchange', () => { route.value = parse(location.hash) })

export function navigate (to: Route): void {
  const hash = to.name === 'room' ? `#/room/${to.id}` : to.name === 'home' ? '#/' : `#/${to.name}`
  if (location.hash !== hash) location.hash = hash
  route.value = to
}

/** The link that invites someone to a room. */
export function shareLink (code: string): string {
  return `${location.origin}/#join=${code}`
}

