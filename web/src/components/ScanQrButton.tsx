import { useEffect, useRef, useState } from 'preact/hooks'
import { lazy } from './lazy.js'

// The camera view and the QR reader load only when someone asks to scan.
const QrScanner = lazy(async () => (await import('./QrScanner.js')).QrScanner)

/**
 * "Scan a QR code": reads a room's or a contact's code with the device's camera and opens it.
 * Shown only where there is a camera the page may use (https, or http on localhost).
 */
export function ScanQrButton () {
  const [hasCamera, setHasCamera] = useState(false)
  const [scanning, setScanning] = useState(false)
  const wasScanning = useRef(false)
  const button = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    // Before any permission is asked, this lists the kinds of devices, without their names.
    navigator.mediaDevices?.enumerateDevices?.()
      .then(devices => { setHasCamera(devices.some(device => device.kind === 'videoinput')) }, () => {})
  }, [])
  // Back to the button once the scanner closes, for keyboard users.
  useEffect(() => {
    if (!scanning && wasScanning.current) button.current?.focus()
    wasScanning.current = scanning
  }, [scanning])
  if (!hasCamera) return null
  if (scanning) return <QrScanner onClose={() => { setScanning(false) }} />
  return <button type='button' class='subtle' ref={button} onClick={() => { setScanning(true) }}>Scan a QR code</button>
}
