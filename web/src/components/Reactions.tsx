import type { MessageRecord } from '../../../src/store/store.js'
import { memberName, selfKey, toggleReaction } from '../state.js'

/** Reaction chips under a message: emoji and count; pressing one adds or takes back ours. */
export function Reactions ({ message }: { message: MessageRecord }) {
  const entries = Object.entries(message.reactions ?? {}).filter(([, who]) => who.length > 0)
  if (entries.length === 0) return null
  return (
    <div class='reactions' role='group' aria-label='Reactions'>
      {entries.map(([emoji, who]) => {
        const mine = who.includes(selfKey.value)
        const names = who.map(key => key === selfKey.value ? 'you' : memberName(key)).join(', ')
        return (
          <button key={emoji} type='button' class={mine ? 'reaction mine' : 'reaction'} aria-pressed={mine}
            title={`${emoji} by ${names}`} aria-label={`${emoji} ${who.length}, by ${names}`}
            onClick={() => { void toggleReaction(message, emoji, !mine) }}>
            <span aria-hidden='true'>{emoji}</span> <span class='count' aria-hidden='true'>{who.length}</span>
          </button>
        )
      })}
    </div>
  )
}
