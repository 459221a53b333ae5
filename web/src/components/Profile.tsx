import { useState } from 'preact/hooks'
import { fingerprint } from '../../../src/identity/identity.js'
import { client, displayName, selfKey, setDisplayName } from '../state.js'
import { Avatar } from './Avatar.js'
import { StorageStatus } from './StorageStatus.js'
import { ColourPicker } from './ColourPicker.js'
import { BackupCard } from './BackupCard.js'
import { RestoreCard } from './RestoreCard.js'
import { LockCard } from './LockCard.js'
import './Profile.css'

/** The user's name (editable), how they look to others, and their fingerprint to compare. */
export function Profile () {
  const [name, setName] = useState(displayName.value)
  const [status, setStatus] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const key = client.value?.identity.publicKey
  const groups = key === undefined ? [] : fingerprint(key).split(' ')

  const save = async (event: Event): Promise<void> => {
    event.preventDefault()
    if (name.trim() === '') {
      setError('A display name cannot be empty.')
      setStatus(null)
      return
    }
    try {
      await setDisplayName(name)
      setName(displayName.value)
      setError(null)
      setStatus('Saved. Your next messages carry this name.')
    } catch (err) {
      setError(`Not saved: ${(err as Error).message}`)
    }
  }

  return (
    <section class='profile' aria-labelledby='profile-title'>
      <h1 id='profile-title'>Your profile</h1>
      <div class='card profile-card'>
        <Avatar name={name.trim() === '' ? '?' : name} personKey={selfKey.value || '00'} size={72} />
        <form class='profile-form' onSubmit={e => { void save(e) }} noValidate>
          <label for='profile-name'>Display name</label>
          <div class='copy-row'>
            <input id='profile-name' type='text' autoComplete='nickname' maxLength={40} value={name}
              aria-invalid={error !== null} aria-describedby='profile-name-hint'
              onInput={e => { setName(e.currentTarget.value); setStatus(null) }} />
            <button type='submit' class='primary' disabled={name.trim() === displayName.value}>Save</button>
          </div>
          <p id='profile-name-hint' class='hint'>How others see you. Messages already sent keep the name they had.</p>
          {error !== null && <p class='error' role='alert'>{error}</p>}
          <p class='saved' role='status'>{status}</p>
        </form>
        <ColourPicker />
      </div>
      <div class='card'>
        <h2 id='fingerprint-title'>Your fingerprint</h2>
        <p class='hint'>
          It belongs to the key this device signs your messages with. To be sure a person in a room is really who
          they say, compare their fingerprint with what they see on their own profile, in person or over a call.
        </p>
        <p class='fingerprint' aria-labelledby='fingerprint-title' data-fingerprint={groups.join(' ')}>
          {groups.map((g, i) => <span key={i}>{g}{i < groups.length - 1 ? ' ' : ''}</span>)}
        </p>
      </div>
      <BackupCard />
      <LockCard />
      <RestoreCard replacing />
      <StorageStatus />
    </section>
  )
}
