import { useEffect, useRef, useState } from 'preact/hooks'

/** Confirms leaving a room, with the choice to delete its messages from this device too. */
export function LeaveDialog ({ title, onLeave, onClose }: {
  title: string
  onLeave: (deleteHistory: boolean) => Promise<void>
  onClose: () => void
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  const [deleteHistory, setDeleteHistory] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const el = dialog.current
    if (el !== null && !el.open) el.showModal()
    return () => { if (el?.open === true) el.close() }
  }, [])

  const leave = async (): Promise<void> => {
    setBusy(true)
    try {
      await onLeave(deleteHistory)
    } catch (err) {
      setError(`Could not leave: ${(err as Error).message}`)
      setBusy(false)
    }
  }

  return (
    <dialog ref={dialog} class='dialog' aria-labelledby='leave-title' aria-describedby='leave-text' onClose={onClose}>
      <form method='dialog' onSubmit={e => { e.preventDefault(); void leave() }}>
        <h2 id='leave-title'>Leave {title}?</h2>
        <p id='leave-text'>
          You stop receiving its messages on this device, and the room leaves your list. You can come back with its
          code or share link.
        </p>
        <label class='check'>
          <input type='checkbox' checked={deleteHistory} onChange={e => { setDeleteHistory(e.currentTarget.checked) }} />
          Also delete its messages from this device
        </label>
        {error !== null && <p class='error' role='alert'>{error}</p>}
        <div class='dialog-actions'>
          <button type='button' onClick={() => { dialog.current?.close() }} disabled={busy}>Cancel</button>
          <button type='submit' class='danger' disabled={busy}>Leave room</button>
        </div>
      </form>
    </dialog>
  )
}
