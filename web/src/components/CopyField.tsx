import { useState } from 'preact/hooks'
import { lazy } from './lazy.js'

// The encoder loads only when someone asks to see a code.
const QrCode = lazy(async () => (await import('./QrCode.js')).QrCode)

/**
 * A read-only field with a Copy button; says "Copied" where screen readers hear it. With `qr`,
 * the value can also be shown as a QR code (`qr` is its accessible name), for a phone to scan.
 */
export function CopyField ({ id, label, value, qr }: { id: string, label: string, value: string, qr?: string }) {
  const [copied, setCopied] = useState(false)
  const [showQr, setShowQr] = useState(false)
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
      {qr !== undefined && (
        <>
          <button type='button' class='subtle qr-toggle' aria-expanded={showQr} aria-controls={`${id}-qr`}
            onClick={() => { setShowQr(!showQr) }}>
            {showQr ? 'Hide QR code' : 'Show QR code'}
          </button>
          <div id={`${id}-qr`} hidden={!showQr}>
            {showQr && <QrCode value={value} label={qr} />}
            <p class='hint'>Point a phone's camera at it to open the link.</p>
          </div>
        </>
      )}
    </div>
  )
}
