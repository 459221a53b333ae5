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

/** The CSS background of a person's avatar. */
export function avatarBackground (personKey: string): string {
  const colour = personKey === selfKey.value ? avatarColour.value : chosen.value.get(personKey)
  return avatarColourCss(colour) ?? `hsl(${avatarHue(hexToBytes(personKey))} 55% 42%)`
}

/** Picks the user's colour (0: the default); members of every open room see it at once. */
export async function setAvatarColour (colour: number): Promise<void> {
  const c = client.value
  if (c === null) throw new Error('The app is still starting')
  await c.setAvatarColour(colour)
  avatarColour.value = c.avatarColour
}
