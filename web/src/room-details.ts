import { signal } from '@preact/signals'

/**
 * Whether the room's details (its name, invite, people) sit beside the conversation, open, or
 * above it, folded: beside only where both fit. Follows the window across that width, so the
 * details open or fold as it is resized. styles.css switches its layout at the same width.
 */
const wide = matchMedia('(min-width: 1101px)')
export const roomDetailsBeside = signal(wide.matches)
wide.addEventListener('change', e => { roomDetailsBeside.value = e.matches })
