/**
 * Where the identity's secret key lives on the device, and the optional app lock. Unlocked, the
 * store holds the key as is. Locked, it holds only the key sealed under the user's passphrase
 * (`passphrase-box.ts`), so nothing readable of the key is at rest; the app asks for the
 * passphrase on every start.
 */
import type { Identity } from '../identity/identity.js'
import type { BackupContents } from '../identity/backup.js'
import { ed25519KeyPair, ed25519PublicKey } from '../crypto/ed25519.js'
import type { KdfParams } from '../crypto/passphrase-box.js'
import { roomIdOf } from '../crypto/room-keys.js'
import { roomCodeFromSecret } from '../room/room-code.js'
import type { Store } from '../store/store.js'
import type { StoredEpoch } from '../room/epochs.js'
import { bytesToHex } from '../bytes.js'

export const IDENTITY_KEY = 'identity'
export const NAME_KEY = 'displayName'
/** Set once the identity was exported or restored: it may be on another device too. */
export const SHARED_KEY = 'identityShared'
const LOCK_CONTEXT = 'meshchat/lock/v1'

/** What the store keeps under IDENTITY_KEY: the key itself, or only its sealed form. */
type StoredIdentity = { secretKey: Uint8Array } | { locked: Uint8Array }

/** The epochs held here plus those from a backup, each once (by number and code). */
function mergeEpochs (held: StoredEpoch[] | undefined, restored: StoredEpoch[]): StoredEpoch[] {
  const all = [...(held ?? []), ...restored]
  return all.filter((e, i) => all.findIndex(o => o.number === e.number && o.secret === e.secret) === i)
}

/** Thrown when the identity is locked and no passphrase was given. */
export class LockedError extends Error {
  constructor (message = 'The app is locked: enter your passphrase') { super(message); this.name = 'LockedError' }
}

/** Whether the device has an identity yet, and whether it is locked. */
export async function identityState (store: Store): Promise<'none' | 'unlocked' | 'locked'> {
  const stored = await store.getMeta<StoredIdentity>(IDENTITY_KEY)
  return stored === undefined ? 'none' : 'locked' in stored ? 'locked' : 'unlocked'
}

/**
 * Reads the identity, making and storing one on first use.
 * @throws LockedError when it is locked and no passphrase is given
 * @throws WrongPassphraseError when the passphrase does not open it
 */
export async function loadIdentity (store: Store, passphrase?: string): Promise<Identity> {
  const stored = await store.getMeta<StoredIdentity>(IDENTITY_KEY)
  if (stored === undefined) {
    const identity = await ed25519KeyPair()
    await store.putMeta(IDENTITY_KEY, { secretKey: identity.secretKey })
    return identity
  }
  if (!('locked' in stored)) return await identityOf(stored.secretKey)
  if (passphrase === undefined) throw new LockedError()
  // The lock's code (scrypt, the sealed box) loads only on devices that use it.
  const { openWithPassphrase } = await import('../crypto/passphrase-box.js')
  return await identityOf(await openWithPassphrase(stored.locked, passphrase, LOCK_CONTEXT))
}

/** The key pair of a stored secret key; the public key natively where possible (fast at start). */
async function identityOf (secretKey: Uint8Array): Promise<Identity> {
  return { secretKey: secretKey.slice(), publicKey: await ed25519PublicKey(secretKey) }
}

/** Turns the lock on (or changes its passphrase): the store keeps only the sealed key. */
export async function lockIdentity (store: Store, identity: Identity, passphrase: string, params?: KdfParams): Promise<void> {
  const { sealWithPassphrase } = await import('../crypto/passphrase-box.js')
  const locked = await sealWithPassphrase(identity.secretKey, passphrase, LOCK_CONTEXT, params)
  await store.putMeta(IDENTITY_KEY, { locked })
}

/**
 * Turns the lock off, after checking the passphrase.
 * @throws WrongPassphraseError when it is not the lock's passphrase
 */
export async function unlockIdentity (store: Store, passphrase: string): Promise<void> {
  const identity = await loadIdentity(store, passphrase)
  await store.putMeta(IDENTITY_KEY, { secretKey: identity.secretKey })
}

export interface RestoreOptions {
  /**
   * The public key of the identity the device has now, when it is open. Without it, a locked
   * identity cannot be compared with the backup's and counts as another one.
   */
  readonly currentKey?: Uint8Array
  readonly now?: number
}

/**
 * Makes this device the identity in a backup: its key (unlocked), its name, its rooms, which
 * are added to the rooms already here, and its contacts (see `restoreContacts`). Call with no
 * client open on the store; open one after.
 */
export async function restoreIdentity (store: Store, backup: BackupContents, options: RestoreOptions = {}): Promise<void> {
  const now = options.now ?? Date.now()
  // A bad code stops the restore before anything is written.
  const rooms = backup.rooms.map(room => {
    for (const epoch of room.epochs ?? []) roomCodeFromSecret(epoch.secret)
    return { ...room, code: roomCodeFromSecret(room.secret) }
  })
  const before = await store.getMeta<StoredIdentity>(IDENTITY_KEY)
  const heldKey = options.currentKey ?? (before !== undefined && 'secretKey' in before ? await ed25519PublicKey(before.secretKey) : undefined)
  const sameIdentity = heldKey !== undefined && bytesToHex(heldKey) === bytesToHex(backup.identity.publicKey)
  // Loaded here, as the client loads contacts: not on the way to a room's history.
  const { restoreContacts } = await import('../contacts/contacts.js')
  await restoreContacts(store, backup.identity, backup, sameIdentity)
  await store.putMeta(IDENTITY_KEY, { secretKey: backup.identity.secretKey })
  await store.putMeta(NAME_KEY, backup.displayName)
  await store.putMeta(SHARED_KEY, true)
  for (const { code, epochs, hidden, direct, named } of rooms) {
    const id = roomIdOf(code)
    const record = {
      id,
      secret: code.secret,
      joinedAt: now,
      lastActivity: 0,
      ...(epochs !== undefined ? { epochs } : {}),
      ...(hidden === true ? { hidden } : {}),
      ...(direct !== undefined ? { direct } : {}),
      ...(named !== undefined ? { named } : {})
    }
    if (await store.getRoom(id) === undefined) await store.putRoom(record)
    else if (epochs !== undefined) await store.updateRoom(id, { epochs: mergeEpochs((await store.getRoom(id))?.epochs, epochs) })
  }
}
