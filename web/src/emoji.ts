/** The emoji picker's built-in set, and inserting text at the caret. Pure. */

export interface Emoji {
  readonly char: string
  readonly name: string
}

/** Common emoji, in the order most messengers show them first. */
export const EMOJI: readonly Emoji[] = [
  ['😀', 'grinning face'], ['😂', 'face with tears of joy'], ['🙂', 'slightly smiling face'], ['😊', 'smiling face with smiling eyes'],
  ['😍', 'smiling face with heart-eyes'], ['😘', 'face blowing a kiss'], ['😉', 'winking face'], ['😎', 'smiling face with sunglasses'],
  ['🤔', 'thinking face'], ['😅', 'grinning face with sweat'], ['😢', 'crying face'], ['😭', 'loudly crying face'],
  ['😮', 'face with open mouth'], ['😴', 'sleeping face'], ['😡', 'pouting face'], ['🙃', 'upside-down face'],
  ['👍', 'thumbs up'], ['👎', 'thumbs down'], ['👏', 'clapping hands'], ['🙌', 'raising hands'],
  ['🙏', 'folded hands'], ['👋', 'waving hand'], ['💪', 'flexed biceps'], ['🤝', 'handshake'],
  ['❤️', 'red heart'], ['💔', 'broken heart'], ['🔥', 'fire'], ['✨', 'sparkles'],
  ['🎉', 'party popper'], ['🎂', 'birthday cake'], ['🎁', 'wrapped gift'], ['⭐', 'star'],
  ['✅', 'check mark'], ['❌', 'cross mark'], ['❓', 'question mark'], ['❗', 'exclamation mark'],
  ['👀', 'eyes'], ['💯', 'hundred points'], ['🤷', 'person shrugging'], ['🤦', 'person facepalming'],
  ['☕', 'hot beverage'], ['🍕', 'pizza'], ['🍺', 'beer mug'], ['🌞', 'sun with face'],
  ['🌧️', 'cloud with rain'], ['🚀', 'rocket'], ['🏠', 'house'], ['📅', 'calendar']
].map(([char, name]) => ({ char, name }))

/** Columns of the picker grid; arrow keys move by one cell or one row. */
export const EMOJI_COLUMNS = 8

/** The grid cell a key moves to from `index`, or null for keys the grid does not handle. */
export function gridMove (index: number, key: string, count: number, columns = EMOJI_COLUMNS): number | null {
  switch (key) {
    case 'ArrowRight': return Math.min(count - 1, index + 1)
    case 'ArrowLeft': return Math.max(0, index - 1)
    case 'ArrowDown': return index + columns < count ? index + columns : index
    case 'ArrowUp': return index - columns >= 0 ? index - columns : index
    case 'Home': return index - (index % columns)
    case 'End': return Math.min(count - 1, index - (index % columns) + columns - 1)
    default: return null
  }
}
