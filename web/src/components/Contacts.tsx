import { useState } from 'preact/hooks'
import type { ContactRecord } from '../../../src/contacts/contacts.js'
import {
  acceptContact, blockKey, contacts, declineContact, forgetContact, incomingRequests, openDirect, ownContactLink,
  readContactLink, requestContact, safetyCodeWith, setVerified, unblockKey
} from '../contacts-state.js'
import { displayName, selfKey } from '../state.js'
import { navigate } from '../router.js'
import { Avatar } from './Avatar.js'
import { CopyField } from './CopyField.js'
import { ScanQrButton } from './ScanQrButton.js'
import './Contacts.css'

/** The contacts page: the user's own link, adding someone by link, requests, and the contact list. */
export function Contacts ({ card }: { card: string | null }) {
  const requests = incomingRequests.value
  const others = contacts.value.filter(c => !(c.state === 'incoming' && !c.blocked))
  return (
    <section class='contacts page' aria-labelledby='contacts-title'>
      <h1 id='contacts-title'>Contacts</h1>
      {card !== null && <AddFromLink initial={card} key={card} />}
      {requests.length > 0 && (
        <section aria-labelledby='requests-title'>
          <h2 id='requests-title'>Requests <span class='count'>{requests.length}</span></h2>
          <ul class='contact-list'>
            {requests.map(c => <RequestItem key={c.key} contact={c} />)}
          </ul>
        </section>
      )}
      <section aria-labelledby='list-title'>
        <h2 id='list-title'>Your contacts</h2>
        {others.length === 0
          ? <p class='hint'>Nobody yet. Add someone from a room's member list, or with their contact link.</p>
          : <ul class='contact-list'>{others.map(c => <ContactItem key={c.key} contact={c} />)}</ul>}
      </section>
      {card === null && <AddFromLink initial='' />}
      <section aria-labelledby='own-link-title'>
        <h2 id='own-link-title'>Your contact link</h2>
        {displayName.value === ''
          ? <p class='hint'>Choose a display name in your <a href='#/profile'>profile</a> first.</p>
          : (
            <>
              <p class='hint'>Whoever has this link can send you contact requests (you choose whether to accept). It does not let them read anything.</p>
              <CopyField id='contact-link' label='Contact link' value={ownContactLink.value} qr='QR code of your contact link' />
            </>)}
      </section>
    </section>
  )
}

function AddFromLink ({ initial }: { initial: string }) {
  const [text, setText] = useState(initial)
  const [error, setError] = useState<string | null>(null)
  const [sent, setSent] = useState<string | null>(null)
  let preview: { key: string, name: string } | null = null
  try { preview = text.trim() === '' ? null : readContactLink(text) } catch { preview = null }
  const submit = async (): Promise<void> => {
    setError(null)
    try {
      const parsed = readContactLink(text)
      if (parsed.key === selfKey.value) throw new Error('This is your own contact link.')
      await requestContact(parsed)
      setSent(parsed.name)
      setText('')
    } catch (err) {
      setError((err as Error).message)
    }
  }
  return (
    <form class='add-contact' aria-labelledby='add-title' onSubmit={e => { e.preventDefault(); void submit() }}>
      <h2 id='add-title'>Add a contact</h2>
      <label for='contact-input'>Their contact link</label>
      <input id='contact-input' type='text' value={text} placeholder='https://…#contact=1.…' autoComplete='off'
        onInput={e => { setText(e.currentTarget.value); setSent(null) }} aria-describedby='add-help' />
      <p id='add-help' class='hint'>{preview !== null ? `Send a contact request to ${preview.name}.` : 'Paste the link they gave you.'}</p>
      {error !== null && <p class='error' role='alert'>{error}</p>}
      {sent !== null && <p class='ok' role='status'>Request sent to {sent}. You can write to them now; they read it once they accept.</p>}
      <button type='submit' class='primary' disabled={preview === null}>Send request</button>
      <ScanQrButton />
    </form>
  )
}

function RequestItem ({ contact }: { contact: ContactRecord }) {
  const lookalike = contact.lookalikeOf === undefined ? undefined : contacts.value.find(c => c.key === contact.lookalikeOf)
  return (
    <li class='contact-item request'>
      <Avatar name={contact.name} personKey={contact.key} size={36} />
      <div class='contact-main'>
        <span class='contact-name'>{contact.name}</span>
        <span class='hint'>wants to be your contact</span>
        {lookalike !== undefined && (
          <p class='warning-box' role='alert'>
            ⚠ You already have a contact called {lookalike.name}, with a different key. This may be someone pretending to be them: ask {lookalike.name} by another way before accepting.
          </p>
        )}
      </div>
      <div class='contact-actions'>
        <button type='button' class='primary' onClick={() => { void acceptContact(contact.key).then(() => openContact(contact.key)) }}>Accept</button>
        <button type='button' onClick={() => { void declineContact(contact.key) }}>Decline</button>
        <button type='button' class='subtle danger' onClick={() => { void blockKey(contact.key, contact.name) }}>Block</button>
      </div>
    </li>
  )
}

function ContactItem ({ contact }: { contact: ContactRecord }) {
  return (
    <li class='contact-item'>
      <Avatar name={contact.name} personKey={contact.key} size={36} />
      <div class='contact-main'>
        <span class='contact-name'>
          {contact.name}
          {contact.verified && <span class='verified' title='You compared safety codes'> ✓ verified</span>}
        </span>
        <span class='hint'>{stateLine(contact)}</span>
        {!contact.blocked && (contact.state === 'accepted' || contact.state === 'requested') && <SafetyCode contact={contact} />}
      </div>
      <div class='contact-actions'>
        {!contact.blocked && (contact.state === 'accepted' || contact.state === 'requested') && (
          <button type='button' class='primary' onClick={() => { void openContact(contact.key) }}>Message</button>
        )}
        {contact.state !== 'none' && (
          <button type='button' class='subtle' onClick={() => {
            if (confirm(`Remove ${contact.name} from your contacts? Your conversation stays in the room list until you leave it.`)) void forgetContact(contact.key)
          }}>Remove</button>
        )}
        {/* The most drastic last. */}
        {contact.blocked
          ? <button type='button' onClick={() => { void unblockKey(contact.key) }}>Unblock</button>
          : <button type='button' class='subtle danger' onClick={() => { void blockKey(contact.key, contact.name) }}>Block</button>}
      </div>
    </li>
  )
}

/** The code both people read out to each other; matching codes mean nobody sits in between. */
function SafetyCode ({ contact }: { contact: ContactRecord }) {
  const code = safetyCodeWith(contact.key)
  return (
    <details class='safety'>
      <summary>{contact.verified ? 'Safety code (verified)' : 'Verify safety code'}</summary>
      <p class='hint'>Compare this code with {contact.name}, in person or on a call. If every digit matches, mark them verified.</p>
      <code class='safety-code' aria-label={`Safety code: ${code}`}>{code}</code>
      <label class='check'>
        <input type='checkbox' checked={contact.verified} onChange={e => { void setVerified(contact.key, e.currentTarget.checked) }} />
        The codes match: {contact.name} is verified
      </label>
    </details>
  )
}

function stateLine (contact: ContactRecord): string {
  if (contact.blocked) return 'Blocked: their messages are hidden and their requests ignored'
  switch (contact.state) {
    case 'requested': return 'Request sent, waiting for an answer'
    case 'incoming': return 'Wants to be your contact'
    case 'accepted': return 'Contact'
    case 'declined': return 'Request declined'
    case 'none': return ''
  }
}

async function openContact (key: string): Promise<void> {
  const room = await openDirect(key)
  navigate({ name: 'room', id: room.id })
}
