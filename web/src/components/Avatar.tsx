import { avatarBackground } from '../profile-colour.js'

/**
 * Initials on the colour the person chose, else one derived from their key: the same person
 * looks the same everywhere.
 */
export function Avatar ({ name, personKey, size = 36 }: { name: string, personKey: string, size?: number }) {
  return (
    <span class='avatar' aria-hidden='true'
      style={{ background: avatarBackground(personKey), width: `${size}px`, height: `${size}px`, fontSize: `${size * 0.4}px` }}>
      {initials(name)}
    </span>
  )
}

export function initials (name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return '?'
  const letters = words.length === 1 ? [[...words[0]][0]] : [[...words[0]][0], [...words[words.length - 1]][0]]
  return letters.join('').toUpperCase()
}
