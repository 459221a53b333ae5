/**
 * Replying: the message the composer is answering, and the one-line quote a reply shows of the
 * message it answers (looked up in what is loaded; the body carries no copy of it).
 */
import { signal } from '@preact/signals'
import type { MessageRecord } from '../../src/store/store.js'

/** The message the composer replies to, if any. */
export const replyingTo = signal<MessageRecord | null>(null)

/** What a quote shows: who wrote the original and its first line, or why it cannot be shown. */
export interface QuoteView {
  readonly author: string
  readonly line: string
  /** The original is on screen, so clicking the quote can go to it. */
  readonly loaded: boolean
  readonly deleted: boolean
}

/** The first line of a text, at most `max` characters. */
export function firstLine (text: string, max = 90): string {
  const line = text.split('\n').map(l => l.trim()).find(l => l !== '') ?? ''
  const chars = [...line]
  return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : line
}

/**
 * The quote of `target` for a reply, from the loaded messages; `nameOf` names an author whose
 * message is not loaded (or never reached this device).
 */
export function quoteOf (target: { author: string, seq: number }, loaded: readonly MessageRecord[],
  nameOf: (key: string) => string): QuoteView {
  const original = loaded.find(m => m.author === target.author && m.seq === target.seq)
  if (original === undefined) return { author: nameOf(target.author), line: 'Message not loaded', loaded: false, deleted: false }
  if (original.deleted === true) return { author: nameOf(target.author), line: 'Deleted message', loaded: true, deleted: true }
  return { author: original.name, line: firstLine(original.text), loaded: true, deleted: false }
}
