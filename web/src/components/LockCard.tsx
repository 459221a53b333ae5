import { useState } from 'preact/hooks'
import { describeIdentityError, lockOn, removeLock, setLock } from '../identity-actions.js'
import { PassphraseFields, passphraseProblem } from './PassphraseFields.js'
import './IdentityCards.css'

/** Turns the app lock on (a passphrase seals the key on this device) or off. */
export function LockCard () {
  const [passphrase, setPassphrase] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [status, setStatus] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async (action: () => Promise<void>, done: string): Promise<void> => {
    setBusy(true)
    try {
      await action()
      setPassphrase('')
      setRepeat('')
      setError(null)
      setStatus(done)
    } catch (err) {
      setError(describeIdentityError(err).replace(', or the backup was damaged', ''))
      setStatus(null)
    } finally {
      setBusy(false)
    }
  }

  const turnOn = (event: Event): void => {
    event.preventDefault()
    const problem = passphraseProblem(passphrase, repeat)
    setError(problem)
    if (problem === null && !busy) void run(async () => { await setLock(passphrase) }, 'The lock is on: the app asks for the passphrase each time it opens.')
  }

  const turnOff = (event: Event): void => {
    event.preventDefault()
    if (passphrase === '') {
      setError('Enter the passphrase to turn the lock off.')
      return
    }
    if (!busy) void run(async () => { await removeLock(passphrase) }, 'The lock is off.')
  }

  return (
    <div class='card identity-card'>
      <h2 id='lock-card-title'>App lock</h2>
      {lockOn.value
        ? (
          <form class='stack' onSubmit={turnOff} noValidate aria-labelledby='lock-card-title'>
            <p class='hint'>On: your key is kept sealed with your passphrase, and the app asks for it each time it opens.</p>
            <label for='lock-off-passphrase'>Passphrase</label>
            <input id='lock-off-passphrase' type='password' autoComplete='current-password' value={passphrase}
              aria-invalid={error !== null} onInput={e => { setPassphrase(e.currentTarget.value) }} />
            {error !== null && <p class='error' role='alert'>{error}</p>}
            <div class='row'>
              <button type='submit' disabled={busy}>{busy ? 'Checking…' : 'Turn lock off'}</button>
              <button type='button' onClick={() => { location.reload() }}>Lock now</button>
            </div>
          </form>
          )
        : (
          <form class='stack' onSubmit={turnOn} noValidate aria-labelledby='lock-card-title'>
            <p class='hint'>
              Off. With a lock, your key is stored sealed with a passphrase, and the app asks for it each time it opens,
              so someone who picks up this device cannot read or write as you. Forget the passphrase and only a backup
              gets your identity back.
            </p>
            <PassphraseFields id='lock' passphrase={passphrase} repeat={repeat} invalid={error !== null}
              onPassphrase={setPassphrase} onRepeat={setRepeat} />
            {error !== null && <p class='error' role='alert'>{error}</p>}
            <button type='submit' class='primary' disabled={busy}>{busy ? 'Sealing…' : 'Turn lock on'}</button>
          </form>
          )}
      <p class='saved' role='status'>{status}</p>
    </div>
  )
}
