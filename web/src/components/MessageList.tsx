import { signal } from '@preact/signals'
import type { ComponentType } from 'preact'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { activeRoom, editing, focusedMessage, noteRead, seenBy, hasOlder, loadOlder, loadingOlder, messages, readMarker, selfKey } from '../state.js'
import { formatClock, formatFull, formatTime } from '../format.js'
import { Kind } from '../../../src/protocol/bodies.js'
import { blockedKeys } from '../contacts-state.js'
import { listEntries } from '../days.js'
import { Avatar } from './Avatar.js'
import { MessageText } from './MessageText.js'
import { UnsentMessages } from './UnsentMessages.js'
import { EditMessage } from './EditMessage.js'
import { Reactions } from './Reactions.js'
import { ReplyQuote } from './ReplyQuote.js'
import { RoomNotice } from './RoomNotice.js'
import { lazy } from './lazy.js'
import { isNotice } from '../../../src/store/store.js'
import type { MessageRecord } from '../../../src/store/store.js'

/** File messages (cards, progress, the image viewer) load their code when the first one shows. */
const FileMessage = lazy(async () => (await import('./FileMessage.js')).FileMessage, <p class='text'>…</p>)

/**
 * A message's actions (reply, react, edit, delete): their code comes a moment after the list, as
 * they are not needed to read history; one module for every message, not a loader each.
 */
const MessageActions = signal<ComponentType<{ message: MessageRecord }> | null>(null)
function loadMessageActions (): void {
  if (MessageActions.value !== null) return
  // A failed fetch is tried again when a room is next opened.
  import('./MessageActions.js').then(m => { MessageActions.value = m.MessageActions }, () => {})
}

/** Older history is loaded when the user scrolls this close to the top. */
const LOAD_OLDER_PX = 400

/** How long after the last scroll the list counts as at rest. */
const SCROLL_REST_MS = 1200

/** The conversation: a live log that keeps the newest message in view unless the user scrolled up. */
export function MessageList ({ direct }: { direct: boolean }) {
  const list = useRef<HTMLDivElement>(null)
  const pinned = useRef(true)
  /** Scroll height before an older page came in, to keep the view still when it lands above. */
  const heightBeforeOlder = useRef<number | null>(null)
  /** Keeps the newest message in view while messages settle to their height (see below). */
  const settling = useRef<ResizeObserver | null>(null)
  /** Where the list was scrolled to at the last scroll event. */
  const lastScrollTop = useRef(0)
  /** The newest message's key when the list last changed: tells a message just sent or arrived. */
  const newestKey = useRef<string | null>(null)
  /** Ends the list's `data-scrolling` mark once scrolling has rested a moment. */
  const scrollRest = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  /** Messages from others that arrived below the view while the user read further up. */
  const [unseen, setUnseen] = useState(0)
  const self = selfKey.value
  const blocked = blockedKeys.value
  const items = blocked.size === 0 ? messages.value : messages.value.filter(m => !blocked.has(m.author))
  const entries = listEntries(items, { self, lastRead: readMarker.value })
  const lastMine = [...items].reverse().find(m => m.author === self && !isNotice(m))
  const focus = focusedMessage.value
  const focusKey = focus !== null && focus.roomId === activeRoom.value?.id ? `${focus.author}:${focus.seq}` : null

  const Actions = MessageActions.value
  useEffect(loadMessageActions, [])

  // What is on screen counts as read: tell the authors (read receipts).
  useEffect(() => { noteRead() }, [items])

  useLayoutEffect(() => {
    const el = list.current
    if (el === null) return
    // What the user just sent is always shown, even when they had scrolled up to read.
    const newest = items[items.length - 1]
    const key = newest === undefined ? null : `${newest.author}:${newest.seq}`
    if (key !== newestKey.current && newest !== undefined && newestKey.current !== null) {
      if (newest.author === self && newest.state === 'pending') {
        pinned.current = true
        heightBeforeOlder.current = null
      } else if (!pinned.current && newest.author !== self && !isNotice(newest)) {
        setUnseen(n => n + 1)
      }
    }
    newestKey.current = key
    if (heightBeforeOlder.current !== null) {
      el.scrollTop += el.scrollHeight - heightBeforeOlder.current
      heightBeforeOlder.current = null
    } else if (pinned.current && focusKey === null) {
      el.scrollTop = el.scrollHeight
    }
    // Messages change height after they are first laid out: those off screen count at an
    // estimate until they are shown, images arrive later. The list itself gets shorter when a
    // banner or the phone's keyboard opens. While the view is at the newest message, it stays there.
    if (typeof ResizeObserver === 'undefined') return
    settling.current ??= new ResizeObserver(() => {
      if (pinned.current && heightBeforeOlder.current === null) el.scrollTop = el.scrollHeight
    })
    settling.current.observe(el)
    for (const child of el.children) settling.current.observe(child)
  }, [items])
  useEffect(() => () => { settling.current?.disconnect() }, [])
  useEffect(() => { setUnseen(0) }, [activeRoom.value?.id])

  // A search result: scroll to the message once it is loaded (loading older pages until it is).
  useEffect(() => {
    if (focusKey === null) return
    const target = list.current?.querySelector<HTMLElement>(`[data-key="${focusKey}"]`)
    if (target != null) {
      pinned.current = false
      // Only the list scrolls (scrollIntoView would move the whole page on a phone).
      const el = list.current!
      el.scrollTop += target.getBoundingClientRect().top - el.getBoundingClientRect().top - (el.clientHeight - target.offsetHeight) / 2
      target.focus({ preventScroll: true })
      const timer = setTimeout(() => { focusedMessage.value = null }, 2_500)
      return () => { clearTimeout(timer) }
    }
    if (hasOlder.value && !loadingOlder.value) void older()
  }, [focusKey, items])

  const older = async (): Promise<void> => {
    if (!hasOlder.value || loadingOlder.value) return
    heightBeforeOlder.current = list.current?.scrollHeight ?? null
    const before = messages.value
    await loadOlder()
    // Nothing older came: no view to keep still when the list next changes.
    if (messages.value === before) heightBeforeOlder.current = null
  }

  return (
    <div class='messages' ref={list} role='log' aria-label='Messages' aria-live='polite'
      tabIndex={0}
      onKeyDown={e => { moveBetweenMessages(e, list.current) }}
      onPointerDown={e => { keepActionsInView(e.target, list.current) }}
      onScroll={e => {
        const el = e.currentTarget
        // Only scrolling up leaves the newest message; the list getting shorter does not.
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40 || (pinned.current && el.scrollTop >= lastScrollTop.current)
        lastScrollTop.current = el.scrollTop
        if (pinned.current) setUnseen(0)
        if (el.scrollTop < LOAD_OLDER_PX) void older()
        // The day's label stays at the top only while the list moves (see styles.css).
        el.dataset.scrolling = ''
        clearTimeout(scrollRest.current)
        scrollRest.current = setTimeout(() => { delete el.dataset.scrolling }, SCROLL_REST_MS)
      }}>
      {hasOlder.value && (
        <button type='button' class='subtle older' disabled={loadingOlder.value} onClick={() => { void older() }}>
          {loadingOlder.value ? 'Loading older messages…' : 'Show older messages'}
        </button>
      )}
      {items.every(isNotice) && <p class='empty'>{direct ? 'No messages yet. Say hello.' : 'No messages yet. Say hello, or invite someone first.'}</p>}
      {entries.map(entry => {
        if (entry.kind === 'day') return <h2 key={entry.key} class='day-separator'><span>{entry.label}</span></h2>
        if (entry.kind === 'unread') return <p key={entry.key} class='unread-separator'><span>Unread messages</span></p>
        const { message: m, grouped } = entry
        const mine = m.author === self
        if (isNotice(m)) return <RoomNotice key={entry.key} message={m} self={mine} />
        return (
          <article key={entry.key} data-key={entry.key} tabIndex={-1}
            class={`message${mine ? ' mine' : ''}${grouped ? ' grouped' : ''}${focusKey === entry.key ? ' focused' : ''}`}
            aria-label={`${mine ? 'You' : m.name}, ${formatTime(m.timestamp)}`}>
            {!grouped ? <Avatar name={m.name} personKey={m.author} /> : <span class='avatar-space' />}
            {Actions !== null && <Actions message={m} />}
            <div class='bubble'>
              {!grouped && (
                <header>
                  <span class='author'>{m.name}{mine && <span class='you'> (you)</span>}</span>
                  <time dateTime={new Date(m.timestamp).toISOString()} title={formatFull(m.timestamp)}>{formatClock(m.timestamp)}</time>
                </header>
              )}
              {m.deleted !== true && <ReplyQuote reply={m} />}
              {m.deleted === true
                ? <p class='text deleted'>This message was deleted</p>
                : editing.value === entry.key
                  ? <EditMessage message={m} />
                  : m.kind === Kind.File
                    ? <FileMessage message={m} mine={mine} />
                    : <p class='text'><MessageText text={m.text} />{m.editedAt !== undefined && <span class='edited' title={formatFull(m.editedAt)}> (edited)</span>}</p>}
              <Reactions message={m} />
              {mine && m.deleted !== true && <Delivery message={m} latest={m === lastMine} />}
            </div>
          </article>
        )
      })}
      <UnsentMessages />
      {unseen > 0 && (
        <button type='button' class='jump-to-newest' onClick={() => {
          pinned.current = true
          setUnseen(0)
          if (list.current !== null) list.current.scrollTop = list.current.scrollHeight
        }}>↓ {unseen} new {unseen === 1 ? 'message' : 'messages'}</button>
      )}
    </div>
  )
}

/**
 * Keyboard reading of the conversation: with the list or a message focused, Up and Down move to
 * the previous and next message (Up from the list itself to the newest), Home and End to the
 * first and last loaded. Tab from a message reaches its actions. Keys typed in a message's own
 * controls (an edit box, its buttons) are theirs.
 */
function moveBetweenMessages (e: KeyboardEvent, list: HTMLElement | null): void {
  const target = e.target as HTMLElement
  if (list === null || (target !== list && !target.matches('article.message'))) return
  const all = [...list.querySelectorAll<HTMLElement>('article.message')]
  const index = all.length === 0 ? undefined : indexToFocus(e.key, all.indexOf(target), all.length)
  if (index === undefined) return
  const next = all[index]
  e.preventDefault()
  // Only the list scrolls (scrollIntoView would move the whole page on a phone).
  next.focus({ preventScroll: true })
  const top = next.getBoundingClientRect().top - list.getBoundingClientRect().top
  if (top < 0) list.scrollTop += top
  else if (top + next.offsetHeight > list.clientHeight) list.scrollTop += top + next.offsetHeight - list.clientHeight
  keepActionsInView(next, list)
}

/**
 * Where a message's actions float above it (a narrow conversation), scrolls the list just
 * enough that they are not cut off at its top when the message is picked (a tap, a click, a key).
 */
function keepActionsInView (target: EventTarget | null, list: HTMLElement | null): void {
  const actions = target instanceof Element ? target.closest('article.message')?.querySelector('.message-actions') : null
  if (actions == null || list === null) return
  const hidden = list.getBoundingClientRect().top - actions.getBoundingClientRect().top
  if (hidden > 0) list.scrollTop -= hidden + 4
}

/**
 * Which of `count` messages a key moves to from the one at `at` (-1: the list itself); undefined
 * where the key keeps its usual meaning (Down on the list itself scrolls it).
 */
function indexToFocus (key: string, at: number, count: number): number | undefined {
  switch (key) {
    case 'Home': return 0
    case 'End': return count - 1
    case 'ArrowUp': return at === -1 ? count - 1 : Math.max(0, at - 1)
    case 'ArrowDown': return at === -1 ? undefined : Math.min(count - 1, at + 1)
    default: return undefined
  }
}

/** Delivery of one of our messages: waiting, sent, and on the latest one who has seen it. */
function Delivery ({ message, latest }: { message: MessageRecord, latest: boolean }) {
  if (message.state === 'pending') return <span class='delivery pending'>Waiting to send</span>
  const seen = latest ? seenBy(message.seq) : []
  if (seen.length === 0) return <span class='delivery sent'>Sent</span>
  const label = seen.length <= 3 ? seen.join(', ') : `${seen.length} people`
  return <span class='delivery seen' title={`Seen by ${seen.join(', ')}`}>Seen by {label}</span>
}
