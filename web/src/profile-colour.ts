/**
 * The user's avatar colour (kept by the client beside the display name) and the colour every
 * avatar on screen uses: a member's chosen one, else one derived from their key.
 */
import { computed, effect, signal } from '@preact/signals'
import { hexToBytes } from '../../src/bytes.js'
import { avatarColourCss } from '../../src/identity/avatar-colours.js'
import { avatarHue } from '../../src/identity/identity.js'
import { client, members, selfKey } from './state.js'

/** The user's chosen colour; 0 until they pick one. */
export const avatarColour = signal(0)
effect(() => { avatarColour.value = client.value?.avatarColour ?? 0 })

/** Chosen colours of the active room's members, by key. */
const chosen = computed(() => new Map(members.value.map(m => [m.key, m.colour])))

/**
 * The colour derived from each key seen so far. It is a hash of the key, and a room's history shows
 * the same few people again and again: on a cold start, hashing for every message was most of
 * the avatars' rendering time.
 */
const derived = new Map<string, string>()

/** The CSS background of a person's avatar. */
export function avatarBackground (personKey: string): string {
  const colour = personKey === selfKey.value ? avatarColour.value : chosen.value.get(personKey)
  const css = avatarColourCss(colour)
  if (css !== undefined) return css
  let background = derived.get(personKey)
  if (background === undefined) {
    background = `hsl(${avatarHue(hexToBytes(personKey))} 55% 42%)`
    derived.set(personKey, background)
  }
  return background
}

/** Picks the user's colour (0: the default); members of every open room see it at once. */
export async function setAvatarColour (colour: number): Promise<void> {
  const c = client.value
  if (c === null) throw new Error('The app is still starting')
  await c.setAvatarColour(colour)
  avatarColour.value = c.avatarColour
}
