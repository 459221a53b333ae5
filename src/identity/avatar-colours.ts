/**
 * The colours a user can pick for their avatar. Each carries white initials with a contrast
 * ratio of at least 4.5:1 (WCAG AA for text), so any choice stays readable.
 *
 * On the wire a colour is its index here plus one; 0 means "not chosen" (a colour derived from
 * the key). The list may only grow at its end, so an index keeps its colour in every version.
 */
export const AVATAR_COLOURS: ReadonlyArray<{ readonly name: string, readonly css: string }> = [
  { name: 'Red', css: '#b3261e' },
  { name: 'Orange', css: '#a8480b' },
  { name: 'Olive', css: '#5c6b00' },
  { name: 'Green', css: '#1e7b34' },
  { name: 'Teal', css: '#00727a' },
  { name: 'Blue', css: '#1a5fb4' },
  { name: 'Indigo', css: '#4f46b8' },
  { name: 'Purple', css: '#7b2d9b' },
  { name: 'Pink', css: '#b0246b' },
  { name: 'Slate', css: '#4a5563' }
]

/** Whether `colour` names a palette entry (1..length) or "not chosen" (0). */
export function isAvatarColour (colour: number): boolean {
  return Number.isInteger(colour) && colour >= 0 && colour <= AVATAR_COLOURS.length
}

/** The CSS colour of a chosen palette entry; undefined for 0 (use the key's colour). */
export function avatarColourCss (colour: number | undefined): string | undefined {
  return colour === undefined || colour === 0 ? undefined : AVATAR_COLOURS[colour - 1]?.css
}
