import { useEffect, useRef, useState } from 'preact/hooks'
import { MAX_TEXT_BYTES } from '../../../src/protocol/constants.js'
import { utf8 } from '../../../src/bytes.js'
import type { Room } from '../../../src/room/room.js'
import { isNotice } from '../../../src/store/store.js'
import {
  activeRoom, dismissNotificationPrompt, enableNotifications, leaveRoom, members, messages, network, notificationPrompt,
  removedFromRoom, roomCode, roomPeers, rooms, rotateRoom, send, setMuted, noteTyping } from '../state.js'
import { insertAt } from '../text-edit.js'
import { lazy } from './lazy.js'
import { RoomAvatar } from './Sidebar.js'
import { navigate, shareLink } from '../router.js'
import { isLoopbackHost } from '../loopback-host.js'
import { Avatar } from './Avatar.js'
import { CopyField } from './CopyField.js'
import { TypingIndicator } from './TypingIndicator.js'
import { MessageList } from './MessageList.js'
import { DirectBanner, MemberContactActions } from './ContactBits.js'
import { roomLabel } from '../contacts-state.js'
import { ReplyBanner } from './ReplyQuote.js'
import { MemberPresence, PairPresence } from './MemberPresence.js'
import { replyingTo } from '../replies.js'
import { MAX_CAPTION_BYTES } from '../../../src/files/constants.js'
import { roomDetailsBeside } from '../room-details.js'

// Controls of the composer that are not needed to show history: their code comes a moment later.
const EmojiButton = lazy(async () => (await import('./EmojiPicker.js')).EmojiButton, null)
const AttachButton = lazy(async () => (await import('./Attachment.js')).AttachButton, null)
const AttachmentPreview = lazy(async () => (await import('./Attachment.js')).AttachmentPreview, null)
// Room details, and the dialog for leaving, are not needed to show history either.
const RoomNameForm = lazy(async () => (await import('./RoomNameForm.js')).RoomNameForm, null)
const LeaveDialog = lazy(async () => (await import('./LeaveDialog.js')).LeaveDialog, null)

export function RoomView ({ room }: { room: Room }) {
  const online = members.value.filter(m => m.online && !m.self).length
  const [busy, setBusy] = useState(false)
  const [leaving, setLeaving] = useState(false)
  const record = rooms.value.find(r => r.id === room.id)
  const muted = record?.muted === true
  // A direct room's code comes from the two keys: nothing to invite with, nobody to remove.
  const direct = record?.direct !== undefined
  const title = record !== undefined ? roomLabel(record) : room.title
  const act = async (what: () => Promise<void>): Promise<void> => {
    setBusy(true)
    try { await what() } finally { setBusy(false) }
  }
  const remove = (key: string, name: string): void => {
    if (confirm(`Remove ${name} from this room? Everyone else gets a new code; ${name} cannot read anything from now on.`)) {
      void act(async () => { await rotateRoom([key]) })
    }
  }
  const newCode = (): void => {
    if (confirm('Make a new code for this room? People in the room now get it automatically; the old code stops working.')) {
      void act(async () => { await rotateRoom() })
    }
  }
  return (
    <section class='room' aria-labelledby='room-title'>
      <header class='room-header'>
        <button type='button' class='back' aria-label='Back to rooms' onClick={() => { navigate({ name: 'home', invitedCode: null }) }}>‹</button>
        {record !== undefined && <RoomAvatar room={record} size={36} />}
        <div class='room-heading'>
          <h1 id='room-title'>{title}</h1>
          <p class='status' role='status'>{statusLine(online)}</p>
          <PairPresence members={members.value} />
        </div>
        <div class='room-actions'>
          <button type='button' class='icon-button' aria-pressed={muted}
            aria-label='Mute notifications' title={muted ? 'Muted: click to get notifications again' : 'Mute notifications'}
            onClick={() => { void setMuted(room.id, !muted) }}>
            <BellIcon off={muted} />
          </button>
          <button type='button' class='subtle leave' onClick={() => { setLeaving(true) }}>Leave</button>
        </div>
      </header>
      {leaving && (
        <LeaveDialog title={title} onClose={() => { setLeaving(false) }}
          onLeave={async deleteHistory => { await leaveRoom(room.id, deleteHistory) }} />
      )}
      {notificationPrompt.value && (
        <div class='prompt' role='region' aria-label='Notifications'>
          <p>Get a notification when a message arrives while this tab is in the background?</p>
          <button type='button' class='primary' onClick={() => { void enableNotifications() }}>Turn on</button>
          <button type='button' class='subtle' onClick={dismissNotificationPrompt}>Not now</button>
        </div>
      )}
      {record !== undefined && direct && <DirectBanner record={record} />}
      {removedFromRoom.value && (
        <p class='notice' role='alert'>You were removed from this room. You can still read what you have, but nothing new reaches you.</p>
      )}
      <div class='room-body'>
        <div class='conversation'>
          <MessageList direct={direct} />
          {!removedFromRoom.value && <TypingIndicator />}
          {!removedFromRoom.value && <Composer />}
        </div>
        <aside class='room-info' aria-label='Room details'>
          {!direct && record !== undefined && (
            <RoomNameForm record={record} disabled={removedFromRoom.value} key={room.id} />
          )}
          {/* Open while there is nobody to talk with yet; then the people in the room come first. */}
          {!direct && <details open={messages.value.every(isNotice) || undefined} class='invite'>
            <summary>Invite people</summary>
            <p class='hint'>Anyone with this code can read and write in this room. Share it only with them.</p>
            <CopyField id='room-code' label='Room code' value={roomCode.value} />
            <CopyField id='share-link' label='Share link' value={shareLink(roomCode.value)} qr='QR code of the share link' />
            {isLoopbackHost(location.hostname) && (
              <p class='hint'>This link opens only on this computer. For other devices, start the relay on the network
                (<code>npm run relay -- --host 0.0.0.0</code>) and share from the address it prints.</p>
            )}
            <button type='button' class='subtle' disabled={busy || removedFromRoom.value} onClick={newCode}>Make a new code</button>
          </details>}
          {/* Folded where the details sit above the conversation (a phone, a tablet). */}
          <details class='people' open={roomDetailsBeside.value || undefined}>
            <summary class='members-title'>People <span class='count'>{members.value.length}</span></summary>
            <ul class='members' aria-label='People in this room'>
              {members.value.map(m => (
                <li key={m.key}>
                  <Avatar name={m.name} personKey={m.key} size={28} />
                  <span class='member-name'>
                    {m.name}{m.self ? ' (you)' : ''}
                    {m.nameClash && !m.self && (
                      <span class='warning' title='Two people in this room use this name. Ask them, by another way, which one is really them.'> ⚠ same name as someone else</span>
                    )}
                  </span>
                  <MemberPresence member={m} />
                  {!direct && <MemberContactActions member={m} room={room} />}
                  {!m.self && !removedFromRoom.value && !direct && (
                    <button type='button' class='icon' aria-label={`Remove ${m.name}`} title={`Remove ${m.name}`} disabled={busy}
                      onClick={() => { remove(m.key, m.name) }}>×</button>
                  )}
                </li>
              ))}
            </ul>
          </details>
        </aside>
      </div>
    </section>
  )
}

function statusLine (online: number): string {
  const peers = roomPeers.value
  const connected = `Connected to ${peers} ${peers === 1 ? 'person' : 'people'}`
  switch (network.value) {
    case 'starting': return 'Starting…'
    // Connections made outlive the relay: messages still reach whoever is connected.
    case 'offline': return peers > 0 ? `${connected} · the relay is unreachable` : 'Offline: messages will be sent when you are back online'
    case 'connecting': return peers > 0 ? `${connected} · connecting to the relay…` : 'Connecting to the relay…'
    case 'online':
      if (peers === 0) return 'Connected · waiting for others to join'
      return `${connected} · ${online} online`
  }
}

function Composer () {
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [attachment, setAttachment] = useState<File | null>(null)
  const [sendingFile, setSendingFile] = useState(false)
  const input = useRef<HTMLTextAreaElement>(null)
  useEffect(() => { input.current?.focus() }, [activeRoom.value, replyingTo.value])

  const submitFile = async (file: File): Promise<void> => {
    const caption = text.trim()
    if (utf8(caption).length > MAX_CAPTION_BYTES) {
      setError(`This caption is too long (the limit is ${MAX_CAPTION_BYTES.toLocaleString()} bytes).`)
      return
    }
    setSendingFile(true)
    setError(null)
    try {
      await (await import('../files-state.js')).sendAttachment(file, caption)
      setAttachment(null)
      setText('')
    } catch (err) {
      setError(`Not sent: ${(err as Error).message}`)
    } finally {
      setSendingFile(false)
    }
  }

  const submit = async (): Promise<void> => {
    if (attachment !== null) return await submitFile(attachment)
    const value = text.trim()
    if (value === '') return
    if (utf8(value).length > MAX_TEXT_BYTES) {
      setError(`This message is too long (the limit is ${MAX_TEXT_BYTES.toLocaleString()} bytes).`)
      return
    }
    setText('')
    setError(null)
    try {
      await send(value)
    } catch (err) {
      setText(value)
      setError(`Not sent: ${(err as Error).message}`)
    }
  }

  return (
    <form class='composer' onSubmit={e => { e.preventDefault(); void submit() }}
      onDragOver={e => { if (e.dataTransfer?.types.includes('Files') === true) e.preventDefault() }}
      onDrop={e => {
        const file = e.dataTransfer?.files[0]
        if (file === undefined) return
        e.preventDefault()
        void import('./Attachment.js').then(m => { m.pickChecked(file, setAttachment, setError) })
      }}>
      {error !== null && <p class='error' role='alert'>{error}</p>}
      <ReplyBanner onCancel={() => { input.current?.focus() }} />
      {attachment !== null && <AttachmentPreview file={attachment} busy={sendingFile} onRemove={() => { setAttachment(null) }} />}
      <AttachButton disabled={sendingFile} onPick={file => { setError(null); setAttachment(file) }} onError={setError} />
      <label for='message' class='visually-hidden'>Message</label>
      <EmojiButton onDone={() => { input.current?.focus() }} onPick={emoji => {
        const el = input.current
        const next = insertAt(text, el?.selectionStart ?? text.length, el?.selectionEnd ?? text.length, emoji)
        setText(next.value)
        // The caret follows the inserted emoji, so the next one goes after it.
        requestAnimationFrame(() => { el?.setSelectionRange(next.caret, next.caret) })
      }} />
      <textarea id='message' ref={input} rows={1} placeholder={attachment !== null ? 'Add a caption' : 'Write a message'} value={text}
        aria-label='Message'
        onInput={e => { setText(e.currentTarget.value); noteTyping() }}
        onPaste={e => {
          // A pasted image (a screenshot) becomes the attachment; pasted text stays text.
          const file = e.clipboardData?.files[0]
          if (file === undefined) return
          e.preventDefault()
          void import('./Attachment.js').then(m => { m.pickChecked(file, setAttachment, setError) })
        }}
        onKeyDown={e => {
          if (e.key === 'Escape' && replyingTo.value !== null) replyingTo.value = null
          // Enter sends; Shift+Enter (and Enter while composing with an IME) adds a line.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault()
            void submit()
          }
        }} />
      <button type='submit' class='primary' disabled={sendingFile || (attachment === null && text.trim() === '')}>Send</button>
    </form>
  )
}

/** A bell, struck through when the room is muted (an SVG: emoji fonts vary). */
function BellIcon ({ off }: { off: boolean }) {
  return (
    <svg width='22' height='22' viewBox='0 0 24 24' aria-hidden='true' fill='none' stroke='currentColor' stroke-width='2'
      stroke-linecap='round' stroke-linejoin='round'>
      <path d='M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9' />
      <path d='M10.3 21a1.94 1.94 0 0 0 3.4 0' />
      {off && <path d='M3 3l18 18' />}
    </svg>
  )
}
