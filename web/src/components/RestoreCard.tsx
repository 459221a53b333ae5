import { useState } from 'preact/hooks'
import { describeIdentityError, restoreFromBackup } from '../identity-actions.js'
import { MAX_BACKUP_CHARS } from '../../../src/identity/backup.js'
import './IdentityCards.css'

/**
 * Signs in with an identity from another device: a backup file or its text, and its passphrase.
 * When this device already has an identity in use, asks first: restoring replaces it.
 */
export function RestoreCard ({ replacing }: { replacing: boolean }) {
  const [text, setText] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [confirming, setConfirming] = useState(false)

  const readFile = async (file: File | undefined): Promise<void> => {
    if (file === undefined) return
    if (file.size > MAX_BACKUP_CHARS) {
      setError('That file is too large to be a Meshchat backup.')
      return
    }
    setText(await file.text())
    setError(null)
  }

  const restore = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await restoreFromBackup(text, passphrase) // the page starts again with the restored identity
    } catch (err) {
      setError(describeIdentityError(err))
      setConfirming(false)
      setBusy(false)
    }
  }

  const submit = (event: Event): void => {
    event.preventDefault()
    if (text.trim() === '' || passphrase === '') {
      setError('Choose a backup file or paste its text, and enter its passphrase.')
      return
    }
    if (replacing) setConfirming(true)
    else void restore()
  }

  return (
    <div class='card identity-card'>
      <h2 id='restore-title'>Restore from a backup</h2>
      <p class='hint'>Already use Meshchat on another device? Bring your identity, rooms and contacts here with a backup made there.</p>
      <form class='stack' onSubmit={submit} noValidate aria-labelledby='restore-title'>
        <label for='restore-file'>Backup file</label>
        <input id='restore-file' type='file' accept='.txt,text/plain' onChange={e => { void readFile(e.currentTarget.files?.[0]) }} />
        <label for='restore-text'>Or paste the backup text</label>
        <textarea id='restore-text' class='backup-text' rows={4} value={text} spellcheck={false}
          placeholder='-----BEGIN MESHCHAT BACKUP-----' onInput={e => { setText(e.currentTarget.value); setConfirming(false) }} />
        <label for='restore-passphrase'>Backup passphrase</label>
        <input id='restore-passphrase' type='password' autoComplete='off' value={passphrase}
          aria-invalid={error !== null} onInput={e => { setPassphrase(e.currentTarget.value); setConfirming(false) }} />
        {error !== null && <p class='error' role='alert'>{error}</p>}
        {!confirming && <button type='submit' class='primary' disabled={busy}>{busy ? 'Restoring…' : 'Restore'}</button>}
      </form>
      {confirming && (
        <div class='confirm' role='alertdialog' aria-labelledby='replace-title' aria-describedby='replace-text'>
          <h3 id='replace-title'>Replace the identity on this device?</h3>
          <p id='replace-text'>
            This device then signs as the identity in the backup. The identity it has now is gone from here for good,
            unless you have a backup of it. Rooms and messages already on this device stay.
          </p>
          <div class='row'>
            <button type='button' onClick={() => { setConfirming(false) }} disabled={busy} autoFocus>Cancel</button>
            <button type='button' class='danger' onClick={() => { void restore() }} disabled={busy}>
              {busy ? 'Restoring…' : 'Replace identity'}
            </button>
          </div>
        </div>
      )}
    </div>
  )
}
