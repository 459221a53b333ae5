/**
 * Whether the room's details (its name, invite, people) sit beside the conversation, open, or
 * above it, folded: beside only where both fit. styles.css switches its layout at the same width.
 */
export function roomDetailsBeside (): boolean {
  return matchMedia('(min-width: 1101px)').matches
}
