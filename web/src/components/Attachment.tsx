import { useEffect, useMemo, useRef } from 'preact/hooks'
import { MAX_FILE_BYTES } from '../../../src/files/constants.js'
import { fileProblem } from '../files-state.js'
import { formatBytes } from '../format-bytes.js'
import './Attachment.css'
import { Icon } from './Icon.js'

/** The paper-clip button: picks any file; the choice is checked against the size limit first. */
export function AttachButton ({ onPick, onError, disabled }: { onPick: (file: File) => void, onError: (message: string) => void, disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <button type='button' class='icon-button attach' aria-label='Attach a file or image'
        title={`Attach a file or image (up to ${formatBytes(MAX_FILE_BYTES)})`} disabled={disabled}
        onClick={() => { input.current?.click() }}>
        <Icon name='attach' size={22} />
      </button>
      <input ref={input} type='file' class='visually-hidden' tabIndex={-1} aria-hidden='true' data-testid='attach-input'
        onChange={e => {
          const file = e.currentTarget.files?.[0]
          e.currentTarget.value = ''
          if (file !== undefined) pickChecked(file, onPick, onError)
        }} />
    </>
  )
}

/** Offers `file` if it can be sent, or says why not. */
export function pickChecked (file: File, onPick: (file: File) => void, onError: (message: string) => void): void {
  const problem = fileProblem(file)
  if (problem !== undefined) onError(problem)
  else onPick(file)
}

/** What is about to be sent: a preview of an image, or the file's name and size; the text box becomes its caption. */
export function AttachmentPreview ({ file, busy, onRemove }: { file: File, busy: boolean, onRemove: () => void }) {
  const url = useMemo(() => file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined, [file])
  useEffect(() => () => { if (url !== undefined) URL.revokeObjectURL(url) }, [url])
  return (
    <div class='attachment' role='group' aria-label='File to send'>
      {url !== undefined ? <img src={url} alt='' class='attachment-image' /> : <span class='file-icon'><Icon name='file' size={24} /></span>}
      <span class='attachment-info'>
        <span class='file-name'>{file.name}</span>
        <span class='file-size'>{busy ? 'Encrypting and sending…' : `${formatBytes(file.size)} · add a caption below, or just send`}</span>
      </span>
      <button type='button' class='icon' aria-label='Remove attachment' title='Remove attachment' disabled={busy} onClick={onRemove}>×</button>
    </div>
  )
}
