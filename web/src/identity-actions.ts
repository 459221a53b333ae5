/**
 * The identity's backup, restore and app lock, for the screens: state (signals) and actions over
 * the core's identity vault. The core does the crypto; this file only wires it to the page.
 */
import { signal } from '@preact/signals'
import { Client } from '../../src/client/client.js'
import { identityState, lockIdentity, restoreIdentity, unlockIdentity } from '../../src/client/identity-vault.js'
import type { Store } from '../../src/store/store.js'

/** The app lock is on: the key is kept sealed and the app asks for the passphrase on start. */
export const lockOn = signal(false)
/** Set while the lock screen waits: tries a passphrase, rejects with WrongPassphraseError. */
export const unlockRequest = signal<((passphrase: string) => Promise<void>) | null>(null)
/** Our identity was seen in use on another device at the same time. */
export const otherDeviceSeen = signal(false)

let deviceStore: Store | undefined
let openClient: Client | undefined

/**
 * Opens the client on `store`. When the identity is locked, calls `onLocked` (which shows the
 * lock screen) and resolves once the right passphrase was entered there.
 */
export async function openIdentity (store: Store, onLocked: () => void): Promise<Client> {
  deviceStore = store
  if (await identityState(store) !== 'locked') return (openClient = await Client.open({ store, membershipNotices: true }))
  lockOn.value = true
  onLocked()
  return await new Promise<Client>(resolve => {
    unlockRequest.value = async passphrase => {
      const opened = await Client.open({ store, passphrase, membershipNotices: true })
      unlockRequest.value = null
      openClient = opened
      resolve(opened)
    }
  })
}

/** Turns the lock on, or changes its passphrase. */
export async function setLock (passphrase: string): Promise<void> {
  await lockIdentity(requireStore(), requireClient().identity, passphrase)
  lockOn.value = true
}

/** Turns the lock off. @throws WrongPassphraseError */
export async function removeLock (passphrase: string): Promise<void> {
  await unlockIdentity(requireStore(), passphrase)
  lockOn.value = false
}

/** The backup text for the current identity. */
export async function exportBackup (passphrase: string): Promise<string> {
  return await requireClient().exportBackup(passphrase)
}

/**
 * Checks a backup with its passphrase, makes it this device's identity and starts the app again
 * with it. @throws WrongPassphraseError, MalformedError, TooLargeError
 */
export async function restoreFromBackup (text: string, passphrase: string): Promise<void> {
  const { openBackup } = await import('../../src/identity/backup.js')
  const contents = await openBackup(text, passphrase)
  const currentKey = openClient?.identity.publicKey
  await openClient?.close()
  await restoreIdentity(requireStore(), contents, { currentKey })
  location.hash = '#/'
  location.reload()
}

/** A file name for a backup made today. */
export function backupFileName (now = new Date()): string {
  return `meshchat-backup-${now.toISOString().slice(0, 10)}.txt`
}

/** What to tell the user about a failed backup, restore or unlock. */
export function describeIdentityError (err: unknown): string {
  const e = err as Error
  switch (e.name) {
    case 'WrongPassphraseError': return 'Wrong passphrase, or the backup was damaged. Check the passphrase and try again.'
    case 'MalformedError':
    case 'UnsupportedVersionError':
    case 'TooLargeError': return e.message
    case 'InvalidRoomCodeError': return 'The backup holds a room code this app cannot read.'
    default: return `That did not work: ${e.message}`
  }
}

function requireStore (): Store {
  if (deviceStore === undefined) throw new Error('Not started')
  return deviceStore
}

function requireClient (): Client {
  if (openClient === undefined) throw new Error('Not started')
  return openClient
}
