import { useState } from 'preact/hooks'
import { describeIdentityError, unlockRequest } from '../identity-actions.js'
import './LockScreen.css'

/** Shown instead of the app while the app lock is on: nothing of the identity is readable yet. */
export function LockScreen () {
  const [passphrase, setPassphrase] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const unlock = async (event: Event): Promise<void> => {
    event.preventDefault()
    const request = unlockRequest.value
    if (request === null || busy) return
    setBusy(true)
    setError(null)
    try {
      await request(passphrase)
    } catch (err) {
      setError((err as Error).name === 'WrongPassphraseError' ? 'Wrong passphrase. Try again.' : describeIdentityError(err))
      setPassphrase('')
      setBusy(false)
    }
  }

  return (
    <main class='lock-screen'>
      <form class='card lock-card' onSubmit={e => { void unlock(e) }} aria-labelledby='lock-title' noValidate>
        <h1 id='lock-title'>Meshchat is locked</h1>
        <p class='hint'>Enter your passphrase to open your rooms and messages.</p>
        <label for='unlock-passphrase'>Passphrase</label>
        <input id='unlock-passphrase' type='password' autoComplete='current-password' autoFocus value={passphrase}
          aria-invalid={error !== null} aria-describedby={error !== null ? 'unlock-error' : undefined}
          onInput={e => { setPassphrase(e.currentTarget.value) }} />
        {error !== null && <p id='unlock-error' class='error' role='alert'>{error}</p>}
        <button type='submit' class='primary' disabled={busy || passphrase === ''}>{busy ? 'Unlocking…' : 'Unlock'}</button>
      </form>
    </main>
  )
}
