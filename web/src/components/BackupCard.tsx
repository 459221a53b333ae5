import { useEffect, useState } from 'preact/hooks'
import { backupFileName, describeIdentityError, exportBackup } from '../identity-actions.js'
import { PassphraseFields, passphraseProblem } from './PassphraseFields.js'
import './IdentityCards.css'

/** Makes a passphrase-sealed backup of the identity and its rooms, to download or copy. */
export function BackupCard () {
  const [passphrase, setPassphrase] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [backup, setBackup] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const [url, setUrl] = useState<string | null>(null)

  useEffect(() => {
    if (backup === null) return
    const made = URL.createObjectURL(new Blob([backup], { type: 'text/plain' }))
    setUrl(made)
    return () => { URL.revokeObjectURL(made) }
  }, [backup])

  const create = async (event: Event): Promise<void> => {
    event.preventDefault()
    const problem = passphraseProblem(passphrase, repeat)
    setError(problem)
    if (problem !== null || busy) return
    setBusy(true)
    try {
      setBackup(await exportBackup(passphrase))
      setPassphrase('')
      setRepeat('')
    } catch (err) {
      setError(describeIdentityError(err))
    } finally {
      setBusy(false)
    }
  }

  const copy = async (): Promise<void> => {
    if (backup === null) return
    try {
      await navigator.clipboard.writeText(backup)
    } catch {
      const area = document.getElementById('backup-text') as HTMLTextAreaElement | null
      area?.select()
      document.execCommand('copy')
    }
    setCopied(true)
    setTimeout(() => { setCopied(false) }, 2000)
  }

  return (
    <div class='card identity-card'>
      <h2 id='backup-title'>Back up your identity</h2>
      <p class='hint'>
        To use Meshchat on another device, or to keep your identity if this one is lost. The backup holds your key, your
        name, your rooms (codes and names) and your contacts, sealed with a passphrase. Anyone with both the backup and its
        passphrase can be you: keep them apart.
      </p>
      <form class='stack' onSubmit={e => { void create(e) }} noValidate aria-labelledby='backup-title'>
        <PassphraseFields id='backup' passphrase={passphrase} repeat={repeat} invalid={error !== null}
          onPassphrase={setPassphrase} onRepeat={setRepeat} />
        {error !== null && <p class='error' role='alert'>{error}</p>}
        <button type='submit' class='primary' disabled={busy}>{busy ? 'Sealing…' : 'Create backup'}</button>
      </form>
      {backup !== null && (
        <div class='stack backup-result'>
          <p class='saved' role='status'>Backup ready. Download it or copy the text, and keep the passphrase separately.</p>
          <label for='backup-text'>Backup text</label>
          <textarea id='backup-text' class='backup-text' readOnly rows={6} value={backup}
            onFocus={e => { e.currentTarget.select() }} />
          <div class='row'>
            {url !== null && <a class='button' href={url} download={backupFileName()}>Download file</a>}
            <button type='button' onClick={() => { void copy() }}>{copied ? 'Copied' : 'Copy text'}</button>
          </div>
          <span class='visually-hidden' aria-live='polite'>{copied ? 'Backup text copied' : ''}</span>
        </div>
      )}
    </div>
  )
}
