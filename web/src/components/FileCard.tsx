import { render } from 'preact'
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { bytesToHex } from '../../../src/bytes.js'
import { thumbnailType, isImage } from '../../../src/protocol/file-body.js'
import type { FileBody } from '../../../src/protocol/file-body.js'
import type { FileProgress } from '../../../src/files/file-transfers.js'
import { fetchFile, fileProgress, fileUrls, onFileShown } from '../files-state.js'
import { formatBytes } from '../format-bytes.js'
import { MessageText } from './MessageText.js'
import './FileCard.css'
import { Icon } from './Icon.js'

/**
 * A file in the conversation: an image (its thumbnail at once, the full image once held; a
 * click opens it large) or a card with name and size; progress while it moves, and what to do
 * next (download, save, try again).
 */
export function FileCard ({ file, mine }: { file: FileBody, mine: boolean }) {
  const id = bytesToHex(file.fileId)
  const progress = fileProgress.value[id]
  const url = fileUrls.value[id]
  const [viewing, setViewing] = useState(false)
  useEffect(() => { void onFileShown(file) }, [id])
  const image = isImage(file)
  const thumb = file.thumbnail
  const thumbUrl = thumb !== undefined ? `data:${thumbnailType(thumb.bytes) ?? 'image/jpeg'};base64,${base64(thumb.bytes)}` : undefined
  return (
    <figure class={`file${image ? ' image' : ''}`} data-file={id}>
      {image && thumb !== undefined && (
        <button type='button' class='image-button' disabled={url === undefined}
          aria-label={url === undefined ? `${file.fileName} (preview)` : `Open ${file.fileName}`}
          onClick={() => { setViewing(true) }}>
          <img src={url ?? thumbUrl} alt={file.caption !== '' ? file.caption : file.fileName}
            width={fit(thumb.width, thumb.height).width} height={fit(thumb.width, thumb.height).height}
            class={url === undefined ? 'preview' : 'full'} />
        </button>
      )}
      <figcaption>
        {!image && <span class='file-icon'><Icon name='file' size={24} /></span>}
        <span class='file-name'>{file.fileName}</span>
        <span class='file-size'>{formatBytes(file.size)}</span>
        <FileState file={file} progress={progress} mine={mine} url={url} />
      </figcaption>
      {file.caption !== '' && <p class='text'><MessageText text={file.caption} /></p>}
      {viewing && url !== undefined && <ImageViewer url={url} file={file} onClose={() => { setViewing(false) }} />}
    </figure>
  )
}

function FileState ({ file, progress, mine, url }: { file: FileBody, progress: FileProgress | undefined, mine: boolean, url: string | undefined }) {
  const save = url !== undefined && <SaveLink url={url} file={file} />
  if (progress === undefined) {
    if (url !== undefined) return <span class='file-state'>{save}</span>
    if (mine) return null
    return <span class='file-state'><button type='button' class='subtle' onClick={() => { void fetchFile(file) }}>Download</button></span>
  }
  const percent = (n: number): number => Math.floor(100 * n / Math.max(1, progress.total))
  switch (progress.status) {
    case 'sending': {
      const label = progress.servedPeers > 0
        ? `Downloaded by ${progress.servedPeers} ${progress.servedPeers === 1 ? 'person' : 'people'}`
        : progress.served > 0 ? `Uploading ${percent(progress.served)}%` : 'Ready: others fetch it from you while you are online'
      return (
        <span class='file-state'>
          {progress.served > 0 && progress.servedPeers === 0 && (
            <progress max={progress.total} value={progress.served} aria-label={`Uploading ${file.fileName}`} />
          )}
          <span class='file-status' role='status'>{label}</span>
          {save}
        </span>
      )
    }
    case 'downloading':
      return (
        <span class='file-state'>
          <progress max={progress.total} value={progress.held} aria-label={`Downloading ${file.fileName}`} />
          <span class='file-status' role='status'>Downloading {percent(progress.held)}%</span>
        </span>
      )
    case 'complete':
      return <span class='file-state'>{save}</span>
    case 'unavailable':
    case 'failed':
      return (
        <span class='file-state'>
          <span class='file-status error' role='alert'>{progress.error}</span>
          <button type='button' class='subtle' onClick={() => { void fetchFile(file) }}>Try again</button>
        </span>
      )
  }
}

function ImageViewer ({ url, file, onClose }: { url: string, file: FileBody, onClose: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => { if (e.key === 'Escape') onClose() }
    addEventListener('keydown', onKey)
    return () => { removeEventListener('keydown', onKey) }
  }, [])
  // On the body: a message's own layout (animations, containment) must not clip the overlay.
  return (
    <OnBody>
      <div class='image-viewer' role='dialog' aria-modal='true' aria-label={file.fileName} onClick={onClose}>
        <img src={url} alt={file.caption !== '' ? file.caption : file.fileName} />
        <div class='viewer-actions' onClick={e => { e.stopPropagation() }}>
          <SaveLink url={url} file={file} />
          <button type='button' class='primary' autoFocus onClick={onClose}>Close</button>
        </div>
      </div>
    </OnBody>
  )
}

/** "Save": a link that downloads the file under its name. */
function SaveLink ({ url, file }: { url: string, file: FileBody }) {
  return <a class='button subtle save' href={url} download={file.fileName}>Save</a>
}

/** The size an image takes in the list: at most 280 × 280, keeping its shape. */
function fit (width: number, height: number): { width: number, height: number } {
  const scale = Math.min(1, 280 / width, 280 / height)
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

function base64 (bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

/**
 * Renders its children in a container on the body, outside the conversation's layout (the same
 * as a portal, without the compat layer's weight).
 */
function OnBody ({ children }: { children: ComponentChildren }) {
  const [host] = useState(() => document.createElement('div'))
  useEffect(() => {
    document.body.append(host)
    return () => {
      render(null, host)
      host.remove()
    }
  }, [])
  useEffect(() => { render(<>{children}</>, host) })
  return null
}
