import { useEffect, useRef, useState } from 'preact/hooks'
import type { MessageRecord } from '../../../src/store/store.js'
import { editMessage, editing } from '../state.js'

/** Editing one of our messages in place: Enter saves, Escape cancels. */
export function EditMessage ({ message }: { message: MessageRecord }) {
  const [text, setText] = useState(message.text)
  const input = useRef<HTMLTextAreaElement>(null)
  useEffect(() => { input.current?.focus() }, [])
  const save = (): void => {
    const value = text.trim()
    editing.value = null
    if (value !== '' && value !== message.text) void editMessage(message, value)
  }
  return (
    <form class='edit-message' onSubmit={e => { e.preventDefault(); save() }}>
      <label for={`edit-${message.seq}`} class='visually-hidden'>Edit message</label>
      <textarea id={`edit-${message.seq}`} ref={input} value={text} rows={2}
        onInput={e => { setText(e.currentTarget.value) }}
        onKeyDown={e => {
          if (e.key === 'Escape') editing.value = null
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); save() }
        }} />
      <div class='edit-buttons'>
        <button type='button' class='subtle' onClick={() => { editing.value = null }}>Cancel</button>
        <button type='submit' class='primary'>Save</button>
      </div>
    </form>
  )
}
