import { useEffect, useRef, useState } from 'preact/hooks'
import decodeQR from 'qr/decode.js'
import { scannedLinkHash } from '../scanned-link.js'
import './QrScanner.css'

/** Time between two looks at the camera, ms: quick enough to feel instant, light on a phone. */
const SCAN_EVERY_MS = 150
/** Frames are read at most this wide or high: a code fills much of the view, and smaller is faster. */
const MAX_FRAME_SIDE = 640

/**
 * The camera's view, looking for a room's or a contact's QR code. A code found opens it here as
 * its link would (the invitation, or the contact card), and the camera stops.
 */
export function QrScanner ({ onClose }: { onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null)
  const [status, setStatus] = useState('Starting the camera…')
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    let stream: MediaStream | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    let stopped = false
    const canvas = document.createElement('canvas')
    const scan = (): void => {
      if (stopped || video.current === null) return
      const text = readFrame(video.current, canvas)
      const hash = text === undefined ? undefined : scannedLinkHash(text)
      if (hash !== undefined) {
        location.hash = hash
        onClose()
        return
      }
      if (text !== undefined) setStatus('That QR code is not a Meshchat room or contact link.')
      timer = setTimeout(scan, SCAN_EVERY_MS)
    }
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      } catch (err) {
        setStatus(cameraError(err as Error))
        setFailed(true)
        return
      }
      if (stopped || video.current === null) {
        stream.getTracks().forEach(track => { track.stop() })
        return
      }
      video.current.srcObject = stream
      await video.current.play().catch(() => {}) // muted and inline, so it may play without a gesture
      setStatus('Point the camera at the QR code of a room or a contact.')
      scan()
    })()
    return () => {
      stopped = true
      clearTimeout(timer)
      stream?.getTracks().forEach(track => { track.stop() })
    }
  }, [])

  return (
    <div class='qr-scanner' role='group' aria-label='Scan a QR code'
      onKeyDown={e => { if (e.key === 'Escape') onClose() }}>
      {!failed && <video ref={video} muted playsInline aria-label='Camera view' />}
      <p class={failed ? 'error' : 'hint'} role={failed ? 'alert' : 'status'}>{status}</p>
      <button type='button' onClick={onClose} autoFocus>{failed ? 'Close' : 'Cancel'}</button>
    </div>
  )
}

/** The text of a QR code in the video's current frame, if there is one. */
function readFrame (video: HTMLVideoElement, canvas: HTMLCanvasElement): string | undefined {
  if (video.videoWidth === 0 || video.videoHeight === 0) return undefined
  const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight))
  canvas.width = Math.round(video.videoWidth * scale)
  canvas.height = Math.round(video.videoHeight * scale)
  const context = canvas.getContext('2d', { willReadFrequently: true })
  if (context === null) return undefined
  context.drawImage(video, 0, 0, canvas.width, canvas.height)
  try {
    return decodeQR(context.getImageData(0, 0, canvas.width, canvas.height))
  } catch {
    return undefined // no code in view yet
  }
}

function cameraError (err: Error): string {
  switch (err.name) {
    case 'NotAllowedError': return 'The camera is not allowed for this app. Allow it in the browser\'s settings for this site, or type the code.'
    case 'NotFoundError':
    case 'OverconstrainedError': return 'This device has no camera to scan with. Type the code instead.'
    default: return `The camera could not be opened (${err.message}). Type the code instead.`
  }
}
