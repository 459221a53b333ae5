/**
 * Contacts in the app: the list, requests, blocked keys, and the actions on them, as signals.
 * Loaded from `boot`, started after the first screen; only this file talks to the contacts.
 */
import { computed, signal } from '@preact/signals'
import { contactLink, parseContactLink } from '../../src/contacts/contact-link.js'
import type { ContactCard } from '../../src/contacts/contact-link.js'
import type { Client } from '../../src/client/client.js'
import type { ContactRecord, Contacts } from '../../src/contacts/contacts.js'
import { roomTitle } from '../../src/room/room.js'
import type { Room } from '../../src/room/room.js'
import type { RoomRecord } from '../../src/store/store.js'

export const contacts = signal<ContactRecord[]>([])
/** The user's own contact link (empty until the inbox is ready). */
export const ownContactLink = signal('')
/** Keys whose messages are hidden everywhere. */
export const blockedKeys = computed(() => new Set(contacts.value.filter(c => c.blocked).map(c => c.key)))
/** Requests waiting for the user's answer (blocked senders left out). */
export const incomingRequests = computed(() => contacts.value.filter(c => c.state === 'incoming' && !c.blocked))

let owner: Contacts | null = null

/** Loads the contact list, so blocked people are hidden from the first screen on. */
export async function loadContacts (client: Client): Promise<void> {
  const loaded = await client.loadContacts()
  owner = loaded
  loaded.on('contacts', list => { contacts.value = list })
  contacts.value = await loaded.all()
}

/**
 * Joins the inbox and reopens what is under way (requests, direct rooms). After the first
 * screen: it needs the curves, which take a moment to compile.
 */
export async function startContacts (client: Client): Promise<void> {
  await (await client.loadContacts()).start()
  await refreshOwnLink()
}

/** Rebuilds the contact link (the name in it changes with the display name). */
export async function refreshOwnLink (): Promise<void> {
  if (owner === null) return
  const card = await owner.card()
  if (card.name !== '') ownContactLink.value = contactLink(`${location.origin}/`, card)
}

/** A contact by key, if known. */
export function contactOf (key: string): ContactRecord | undefined {
  return contacts.value.find(c => c.key === key)
}

/** What a room is called in lists and headers: the contact's name for a direct room. */
export function roomLabel (record: Pick<RoomRecord, 'secret' | 'direct' | 'named'>): string {
  if (record.direct === undefined) return roomTitle(record)
  return contactOf(record.direct)?.name ?? `${record.direct.slice(0, 8)}…`
}

/** The known contact whose name `name` uses while `key` is not theirs: a likely impersonation. */
export function lookalikeOf (name: string, key: string): ContactRecord | undefined {
  const wanted = name.trim().toLowerCase()
  return contacts.value.find(c => c.key !== key && c.state === 'accepted' && c.name.trim().toLowerCase() === wanted)
}

/** @throws MalformedError for a link that is not a contact link */
export function readContactLink (text: string): ContactCard {
  return parseContactLink(text)
}

export async function requestContact (card: { key: string, name: string, inbox?: string }, viaRoom?: string): Promise<ContactRecord> {
  return await requireOwner().request(card, viaRoom)
}

export async function acceptContact (key: string): Promise<void> {
  await requireOwner().accept(key)
}

export async function declineContact (key: string): Promise<void> {
  await requireOwner().decline(key)
}

export async function blockKey (key: string, name: string): Promise<void> {
  await requireOwner().block(key, name)
}

export async function unblockKey (key: string): Promise<void> {
  await requireOwner().unblock(key)
}

export async function setVerified (key: string, verified: boolean): Promise<void> {
  await requireOwner().setVerified(key, verified)
}

export async function forgetContact (key: string): Promise<void> {
  await requireOwner().forget(key)
}

export function safetyCodeWith (key: string): string {
  return requireOwner().safetyCode(key)
}

/** Opens (joining if needed) the direct room with a contact. */
export async function openDirect (key: string): Promise<Room> {
  return await requireOwner().openDirect(key)
}

function requireOwner (): Contacts {
  if (owner === null) throw new Error('The app is still starting')
  return owner
}
