import { useState } from 'preact/hooks'
import type { MemberView, Room } from '../../../src/room/room.js'
import type { RoomRecord } from '../../../src/store/store.js'
import { blockKey, blockedKeys, contactOf, lookalikeOf, requestContact, unblockKey } from '../contacts-state.js'

/** In a direct room: where the request stands, and whether the contact is verified. */
export function DirectBanner ({ record }: { record: RoomRecord }) {
  const contact = record.direct === undefined ? undefined : contactOf(record.direct)
  if (contact === undefined) return null
  if (contact.blocked) return <p class='notice' role='status'>You blocked {contact.name}: their messages are hidden. Unblock them in <a href='#/contacts'>Contacts</a>.</p>
  if (contact.state === 'requested') {
    return <p class='notice' role='status'>Waiting for {contact.name} to accept your contact request. They can read what you write here once they do.</p>
  }
  if (contact.state === 'declined') return <p class='notice' role='status'>{contact.name} declined the contact request.</p>
  if (!contact.verified) {
    return (
      <p class='hint direct-hint'>
        Only you and {contact.name} can read this conversation. <a href='#/contacts'>Compare safety codes</a> to be sure it is really them.
      </p>
    )
  }
  return null
}

/** Next to a member of a room: a warning when they use a contact's name, and contact / block actions. */
export function MemberContactActions ({ member, room }: { member: MemberView, room: Room }) {
  const [asked, setAsked] = useState(false)
  if (member.self) return null
  const contact = contactOf(member.key)
  const lookalike = lookalikeOf(member.name, member.key)
  const blocked = blockedKeys.value.has(member.key)
  const canAsk = !blocked && !asked && (contact === undefined || contact.state === 'none' || contact.state === 'declined')
  return (
    <>
      {lookalike !== undefined && (
        <span class='warning impostor' role='note' title='Ask them by another way which one is really them.'>
          ⚠ not your contact {lookalike.name}: a different key
        </span>
      )}
      {contact?.state === 'accepted' && !blocked && <span class='contact-mark'>{contact.verified ? '✓ verified contact' : 'contact'}</span>}
      <span class='member-tools'>
        {canAsk && (
          <button type='button' class='link-button' aria-label={`Add ${member.name} as a contact`} onClick={() => {
            setAsked(true)
            void requestContact({ key: member.key, name: member.name }, room.id).catch(() => { setAsked(false) })
          }}>Add contact</button>
        )}
        {(asked || contact?.state === 'requested') && <span class='hint'>request sent</span>}
        <button type='button' class='link-button' aria-label={`${blocked ? 'Unblock' : 'Block'} ${member.name}`}
          onClick={() => { void (blocked ? unblockKey(member.key) : blockKey(member.key, member.name)) }}>
          {blocked ? 'Unblock' : 'Block'}
        </button>
      </span>
    </>
  )
}
