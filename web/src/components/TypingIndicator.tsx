import { typingNames } from '../state.js'

/** "Ann is typing…", above the composer; announced politely to screen readers. */
export function TypingIndicator () {
  const names = typingNames.value
  const text = names.length === 0
    ? ''
    : names.length === 1
      ? `${names[0]} is typing…`
      : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : `${names.length} people are typing…`
  return <p class='typing' aria-live='polite'>{text}</p>
}
