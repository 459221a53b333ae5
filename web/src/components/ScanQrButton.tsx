import { useEffect, useRef, useState } from 'preact/hooks'
import { lazy } from './lazy.js'

// The camera view and the QR reader load only when someone asks to scan.
const QrScanner = lazy(async () => (await import('./QrScanner.js')).QrScanner)

/**
 * "Scan a QR code": reads a room's or a contact's code with the device's camera and opens it.
 * Not shown where the page may not use a camera (plain http away from localhost).
 */
export function ScanQrButton () {
  const [scanning, setScanning] = useState(false)
  const wasScanning = useRef(false)
  const button = useRef<HTMLButtonElement>(null)
  // Back to the button once the scanner closes, for keyboard users.
  useEffect(() => {
    if (!scanning && wasScanning.current) button.current?.focus()
    wasScanning.current = scanning
  }, [scanning])
  if (navigator.mediaDevices?.getUserMedia === undefined) return null
  if (scanning) return <QrScanner onClose={() => { setScanning(false) }} />
  return <button type='button' class='subtle' ref={button} onClick={() => { setScanning(true) }}>Scan a QR code</button>
}
