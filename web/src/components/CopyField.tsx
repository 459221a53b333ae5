import { useState } from 'preact/hooks'

/** A read-only field with a Copy button; says "Copied" where screen readers hear it. */
export function CopyField ({ id, label, value }: { id: string, label: string, value: string }) {
  const [copied, setCopied] = useState(false)
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(value)
    } catch {
      // Clipboard API needs a secure context; fall back to selecting the text for the user.
      const input = document.getElementById(id) as HTMLInputElement | null
      input?.select()
      document.execCommand('copy')
    }
    setCopied(true)
    setTimeout(() => { setCopied(false) }, 2000)
  }
  return (
    <div class='copy-field'>
      <label for={id}>{label}</label>
      <div class='copy-row'>
        <input id={id} type='text' readOnly value={value} onFocus={e => { (e.currentTarget).select() }} />
        <button type='button' onClick={() => { void copy() }} aria-label={`Copy ${label.toLowerCase()}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <span class='visually-hidden' aria-live='polite'>{copied ? `${label} copied` : ''}</span>
    </div>
  )
}
