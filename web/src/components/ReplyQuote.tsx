import type { MessageRecord } from '../../../src/store/store.js'
import { activeRoom, focusedMessage, memberName, messages } from '../state.js'
import { quoteOf, replyingTo } from '../replies.js'

/**
 * The compact quote above a reply's text: who wrote the original and its first line. When the
 * original is loaded, pressing the quote scrolls to it and highlights it.
 */
export function ReplyQuote ({ reply }: { reply: MessageRecord }) {
  if (reply.replyTo === undefined) return null
  const target = reply.replyTo
  const quote = quoteOf(target, messages.value, memberName)
  const body = (
    <>
      <span class='quote-author'>{quote.author}</span>
      <span class='quote-line'>{quote.line}</span>
    </>
  )
  if (!quote.loaded || quote.deleted) {
    return <span class='quote unavailable' aria-label={`In reply to ${quote.author}: ${quote.line}`}>{body}</span>
  }
  return (
    <button type='button' class='quote' aria-label={`In reply to ${quote.author}: ${quote.line}. Show the original`}
      onClick={() => {
        const roomId = activeRoom.value?.id
        if (roomId !== undefined) focusedMessage.value = { roomId, author: target.author, seq: target.seq }
      }}>
      {body}
    </button>
  )
}

/** Above the composer while replying: what is being answered, and a way out (also Escape). */
export function ReplyBanner ({ onCancel }: { onCancel: () => void }) {
  const target = replyingTo.value
  if (target === null || target.roomId !== activeRoom.value?.id) return null
  const quote = quoteOf(target, [target], memberName)
  return (
    <div class='replying' role='group' aria-label='Replying'>
      <span class='quote' aria-label={`Replying to ${quote.author}: ${quote.line}`}>
        <span class='quote-author'>Replying to {quote.author}</span>
        <span class='quote-line'>{quote.line}</span>
      </span>
      <button type='button' class='icon' aria-label='Cancel reply' title='Cancel reply (Escape)'
        onClick={() => { replyingTo.value = null; onCancel() }}>×</button>
    </div>
  )
}
