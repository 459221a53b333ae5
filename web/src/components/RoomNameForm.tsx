import { useEffect, useRef, useState } from 'preact/hooks'
import type { RoomRecord } from '../../../src/store/store.js'
import { renameRoom, memberName, selfKey } from '../state.js'
import { roomDetailsBeside } from '../room-details.js'

/**
 * The room's name, which any member may change for everyone: empty goes back to "Room" and the
 * code's first group. Says who named it last. Folded on a phone, where it sits above the
 * conversation.
 */
export function RoomNameForm ({ record, disabled }: { record: RoomRecord, disabled: boolean }) {
  const current = record.named?.name ?? ''
  const [name, setName] = useState(current)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  // A name given meanwhile, here or by someone else, shows unless the user is typing one.
  useEffect(() => {
    if (document.activeElement !== input.current) setName(current)
  }, [current])
  const by = record.named?.by
  const save = async (event: Event): Promise<void> => {
    event.preventDefault()
    setBusy(true)
    try {
      await renameRoom(name)
      setError(null)
    } catch (err) {
      setError((err as Error).name === 'RangeError' ? 'A room name is at most 64 bytes (about 60 letters).' : `Could not rename: ${(err as Error).message}`)
    } finally {
      setBusy(false)
    }
  }
  return (
    <details class='room-naming' open={roomDetailsBeside.value || undefined}>
      <summary>Room name</summary>
      <form onSubmit={e => { void save(e) }} noValidate>
        <label for='room-name' class='visually-hidden'>Room name</label>
        <div class='copy-row'>
          <input id='room-name' ref={input} type='text' value={name} placeholder={`Room ${record.secret.slice(0, 5)}`} autoComplete='off'
            aria-invalid={error !== null} aria-describedby={error !== null ? 'room-name-error' : 'room-name-by'}
            onInput={e => { setName(e.currentTarget.value); setError(null) }} />
          <button type='submit' disabled={disabled || busy || name.trim() === current}>Rename</button>
        </div>
        {error !== null && <p id='room-name-error' class='error' role='alert'>{error}</p>}
        <p id='room-name-by' class='hint' aria-live='polite'>
          {by === undefined ? '' : `${current === '' ? 'Name cleared' : 'Named'} by ${by === selfKey.value ? 'you' : memberName(by)}. Everyone in the room sees the name.`}
        </p>
      </form>
    </details>
  )
}
