/** A new passphrase, typed twice. Reports problems with the pair, or null when it is usable. */
export const MIN_PASSPHRASE = 8

export function passphraseProblem (passphrase: string, repeat: string): string | null {
  if (passphrase.length < MIN_PASSPHRASE) return `Use at least ${MIN_PASSPHRASE} characters; a few words are easy to remember and hard to guess.`
  if (passphrase !== repeat) return 'The two passphrases differ.'
  return null
}

export function PassphraseFields ({ id, passphrase, repeat, onPassphrase, onRepeat, invalid }: {
  id: string
  passphrase: string
  repeat: string
  onPassphrase: (value: string) => void
  onRepeat: (value: string) => void
  invalid: boolean
}) {
  return (
    <>
      <label for={`${id}-new`}>Passphrase</label>
      <input id={`${id}-new`} type='password' autoComplete='new-password' value={passphrase} aria-invalid={invalid}
        onInput={e => { onPassphrase(e.currentTarget.value) }} />
      <label for={`${id}-repeat`}>Passphrase again</label>
      <input id={`${id}-repeat`} type='password' autoComplete='new-password' value={repeat} aria-invalid={invalid}
        onInput={e => { onRepeat(e.currentTarget.value) }} />
    </>
  )
}
