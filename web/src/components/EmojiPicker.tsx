import { useEffect, useRef, useState } from 'preact/hooks'
import { EMOJI, EMOJI_COLUMNS, gridMove } from '../emoji.js'
import './EmojiPicker.css'
import { Icon } from './Icon.js'

/**
 * A button that opens a grid of common emoji. The grid is one tab stop: arrow keys, Home and End
 * move, Enter or Space inserts, Escape closes and returns to the button.
 */
export function EmojiButton ({ onPick, onDone }: { onPick: (emoji: string) => void, onDone: () => void }) {
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(0)
  const button = useRef<HTMLButtonElement>(null)
  const popup = useRef<HTMLDivElement>(null)
  const cells = useRef<Array<HTMLButtonElement | null>>([])

  useEffect(() => {
    if (open) cells.current[active]?.focus()
  }, [open, active])

  useEffect(() => {
    if (!open) return
    const outside = (e: PointerEvent): void => {
      const target = e.target as Node
      if (popup.current?.contains(target) !== true && button.current?.contains(target) !== true) setOpen(false)
    }
    document.addEventListener('pointerdown', outside)
    return () => { document.removeEventListener('pointerdown', outside) }
  }, [open])

  const close = (toComposer: boolean): void => {
    setOpen(false)
    if (toComposer) onDone()
    else button.current?.focus()
  }

  const rows = []
  for (let r = 0; r * EMOJI_COLUMNS < EMOJI.length; r++) rows.push(EMOJI.slice(r * EMOJI_COLUMNS, (r + 1) * EMOJI_COLUMNS))

  return (
    <div class='emoji'>
      <button type='button' ref={button} class='icon-button' aria-label='Insert emoji' title='Insert emoji'
        aria-haspopup='dialog' aria-expanded={open} aria-controls={open ? 'emoji-picker' : undefined}
        onClick={() => { setOpen(!open) }}>
        <Icon name='smile' size={22} />
      </button>
      {open && (
        <div id='emoji-picker' class='emoji-popup' ref={popup} role='dialog' aria-label='Emoji'
          onKeyDown={e => {
            if (e.key === 'Escape') {
              e.preventDefault()
              e.stopPropagation()
              close(false)
              return
            }
            // From the cell that has focus, which a click may have moved ahead of the state.
            const focused = cells.current.indexOf(e.target as HTMLButtonElement)
            const next = gridMove(focused === -1 ? active : focused, e.key, EMOJI.length)
            if (next !== null) {
              e.preventDefault()
              setActive(next)
            }
          }}>
          <div role='grid' aria-label='Emoji' class='emoji-grid'>
            {rows.map((row, r) => (
              <div role='row' key={r} class='emoji-row'>
                {row.map((emoji, c) => {
                  const index = r * EMOJI_COLUMNS + c
                  return (
                    <span role='gridcell' key={emoji.char}>
                      <button type='button' ref={el => { cells.current[index] = el }} class='emoji-cell'
                        tabIndex={index === active ? 0 : -1} aria-label={emoji.name} title={emoji.name}
                        onClick={() => { setActive(index); onPick(emoji.char) }}>
                        {emoji.char}
                      </button>
                    </span>
                  )
                })}
              </div>
            ))}
          </div>
          <button type='button' class='subtle emoji-done' onClick={() => { close(true) }}>Done</button>
        </div>
      )}
    </div>
  )
}
