import { useState } from 'preact/hooks'
import type { MessageRecord } from '../../../src/store/store.js'
import { Kind } from '../../../src/protocol/bodies.js'
import { deleteMessage, editing, removedFromRoom, selfKey, toggleReaction } from '../state.js'
import { replyingTo } from '../replies.js'
import { Icon } from './Icon.js'

/** The quick reactions offered on every message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢']

/**
 * What can be done with a message: reply and react (anyone), edit and delete (its author only; every
 * member's device checks that too). Shown on hover and on keyboard focus.
 */
export function MessageActions ({ message }: { message: MessageRecord }) {
  const [picking, setPicking] = useState(false)
  const mine = message.author === selfKey.value
  if (message.deleted === true) return null
  return (
    <div class='message-actions' role='toolbar' aria-label='Message actions'>
      {!removedFromRoom.value && (
        <button type='button' class='icon' aria-label='Reply' title='Reply'
          onClick={() => {
            replyingTo.value = message
            // Straight to the composer, in this click: what is typed next (or Escape, to cancel)
            // goes there even before the composer's own focus effect has run.
            document.getElementById('message')?.focus()
          }}><Icon name='reply' /></button>
      )}
      {/* The picker opens beside the React button itself, wherever it sits in the toolbar. */}
      <span class='react-anchor'>
        <button type='button' class='icon' aria-label='React' aria-expanded={picking} title='React'
          onClick={() => { setPicking(!picking) }}><Icon name='smile' /></button>
        {picking && (
          <div class='reaction-picker' role='group' aria-label='Pick a reaction'>
            {QUICK_REACTIONS.map(emoji => {
              const on = (message.reactions?.[emoji] ?? []).includes(selfKey.value)
              return (
                <button key={emoji} type='button' aria-label={`React with ${emoji}`} aria-pressed={on}
                  onClick={() => { setPicking(false); void toggleReaction(message, emoji, !on) }}>{emoji}</button>
              )
            })}
          </div>
        )}
      </span>
      {mine && message.kind !== Kind.File && (
        <button type='button' class='icon' aria-label='Edit' title='Edit'
          onClick={() => { editing.value = `${message.author}:${message.seq}` }}><Icon name='edit' /></button>
      )}
      {mine && (
        <button type='button' class='icon delete' aria-label='Delete' title='Delete'
          onClick={() => {
            if (confirm('Delete this message for everyone in the room?')) void deleteMessage(message)
          }}><Icon name='trash' /></button>
      )}
    </div>
  )
}
