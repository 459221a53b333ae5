import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { Client } from '../../src/client/client.js'
import {
  LockedError, identityState, loadIdentity, lockIdentity, restoreIdentity, unlockIdentity
} from '../../src/client/identity-vault.js'
import { openWithPassphrase, sealWithPassphrase } from '../../src/crypto/passphrase-box.js'
import { MAX_BACKUP_CHARS, createBackup, openBackup } from '../../src/identity/backup.js'
import { createIdentity } from '../../src/identity/identity.js'
import { generateRoomCode } from '../../src/room/room-code.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

// Tests below use the curves and cipher synchronously, as the core does once they are loaded.
await loadCrypto()

/** Cheap scrypt parameters, so the tests stay fast; the format stores them, so opening needs no hint. */
const FAST = { logN: 10, r: 8, p: 1 }

async function catchAsync (fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the call to reject')
}

function sampleContents () {
  return { identity: createIdentity(), displayName: 'Ada ✨', rooms: [{ secret: generateRoomCode().secret }, { secret: generateRoomCode().secret }] }
}

/** The base64 lines of a backup text, joined. */
function bodyOf (text: string): string {
  return text.split('\n').filter(l => l !== '' && !l.startsWith('-----')).join('')
}

function withBody (text: string, body: string): string {
  const lines = body.match(/.{1,64}/g) ?? []
  return ['-----BEGIN MESHCHAT BACKUP-----', ...lines, '-----END MESHCHAT BACKUP-----'].join('\n')
}

describe('identity backup', () => {
  it('round-trips the key, the name and the rooms with the right passphrase', async () => {
    const contents = sampleContents()
    const text = await createBackup(contents, 'correct horse battery staple', FAST)
    expect(text.startsWith('-----BEGIN MESHCHAT BACKUP-----\n')).toBe(true)
    expect(text).not.toContain(contents.rooms[0].secret)
    const opened = await openBackup(text, 'correct horse battery staple')
    expect(bytesToHex(opened.identity.publicKey)).toBe(bytesToHex(contents.identity.publicKey))
    expect(bytesToHex(opened.identity.secretKey)).toBe(bytesToHex(contents.identity.secretKey))
    expect(opened.displayName).toBe('Ada ✨')
    expect(opened.rooms).toEqual(contents.rooms)
  })

  it('round-trips the inbox, the contacts, and which rooms are hidden or direct', async () => {
    const ben = 'b'.repeat(64)
    const contents = {
      ...sampleContents(),
      rooms: [
        { secret: generateRoomCode().secret, hidden: true },
        { secret: generateRoomCode().secret, direct: ben },
        { secret: generateRoomCode().secret, named: { name: 'Lunch', at: 1_700_000_000_000, by: ben, seq: 3 } },
        { secret: generateRoomCode().secret }
      ],
      inbox: generateRoomCode().secret,
      contacts: [
        { key: ben, name: 'Ben', state: 'accepted' as const, blocked: false, verified: true, addedAt: 1_700_000_000_000 },
        { key: 'c'.repeat(64), name: 'Cy', state: 'requested' as const, blocked: false, verified: false, addedAt: 5, via: 'd'.repeat(64), requestId: 'e'.repeat(32) },
        { key: 'f'.repeat(64), name: '', state: 'none' as const, blocked: true, verified: false, addedAt: 6 }
      ]
    }
    const opened = await openBackup(await createBackup(contents, 'pw', FAST), 'pw')
    expect(opened.rooms).toEqual(contents.rooms)
    expect(opened.inbox).toBe(contents.inbox)
    expect(opened.contacts).toEqual(contents.contacts)
  })

  it('rejects a backup with a contact or room marks of the wrong shape', async () => {
    const contact = { key: 'b'.repeat(64), name: 'Ben', state: 'accepted' as const, blocked: false, verified: false, addedAt: 1 }
    const bad: unknown[] = [
      { ...contact, key: 'B'.repeat(64) },
      { ...contact, name: 'x'.repeat(65) },
      { ...contact, state: 'friend' },
      { ...contact, blocked: 'no' },
      { ...contact, addedAt: -1 },
      { ...contact, via: 'zz' },
      { ...contact, requestId: 'e'.repeat(31) }
    ]
    for (const c of bad) {
      const text = await createBackup({ ...sampleContents(), contacts: [c as typeof contact] }, 'pw', FAST)
      const err = await catchAsync(async () => await openBackup(text, 'pw'))
      expect(err.name).toBe('MalformedError')
      expect(err.message).toMatch(/contact/)
    }
    const named = { name: 'Lunch', at: 1, by: 'b'.repeat(64), seq: 1 }
    for (const marks of [{ direct: 'not hex' }, { named: { ...named, seq: 0 } }, { named: { ...named, name: 'x'.repeat(65) } }, { named: { ...named, by: 'b' } }]) {
      const marked = { ...sampleContents(), rooms: [{ secret: generateRoomCode().secret, ...marks }] }
      const err = await catchAsync(async () => await openBackup(await createBackup(marked, 'pw', FAST), 'pw'))
      expect(err.name).toBe('MalformedError')
      expect(err.message).toMatch(/room marks/)
    }
  })

  it('opens a backup pasted with its lines re-wrapped and surrounding text', async () => {
    const contents = sampleContents()
    const text = await createBackup(contents, 'pw', FAST)
    const body = bodyOf(text)
    const pasted = `my backup:\r\n-----BEGIN MESHCHAT BACKUP-----\n  ${body.slice(0, 30)}\n${body.slice(30)}  \n-----END MESHCHAT BACKUP-----\nthanks`
    expect((await openBackup(pasted, 'pw')).rooms).toEqual(contents.rooms)
  })

  it('says "wrong passphrase or damaged" for a wrong passphrase', async () => {
    const text = await createBackup(sampleContents(), 'right', FAST)
    const err = await catchAsync(async () => await openBackup(text, 'wrong'))
    expect(err.name).toBe('WrongPassphraseError')
    expect(err.message).toBe('Wrong passphrase or damaged data')
  })

  it('rejects every single changed byte of the sealed box, header included', async () => {
    const text = await createBackup(sampleContents(), 'pw', FAST)
    const box = Uint8Array.from(atob(bodyOf(text)), c => c.charCodeAt(0))
    for (const i of [0, 1, 4, 20, 44, 45, box.length - 1]) {
      const damaged = box.slice()
      damaged[i] ^= 1
      const err = await catchAsync(async () => await openBackup(withBody(text, btoa(String.fromCharCode(...damaged))), 'pw'))
      expect(['WrongPassphraseError', 'MalformedError', 'UnsupportedVersionError']).toContain(err.name)
    }
  })

  it('rejects truncated, garbled and foreign text with a clear error', async () => {
    const text = await createBackup(sampleContents(), 'pw', FAST)
    const body = bodyOf(text)
    expect((await catchAsync(async () => await openBackup('hello', 'pw'))).message).toMatch(/not a Meshchat backup/)
    expect((await catchAsync(async () => await openBackup(text.slice(0, 100), 'pw'))).message).toMatch(/cut short/)
    expect((await catchAsync(async () => await openBackup(withBody(text, body.slice(0, 40)), 'pw'))).name).toBe('MalformedError')
    expect((await catchAsync(async () => await openBackup(withBody(text, body.slice(0, body.length - 4)), 'pw'))).name).toBe('WrongPassphraseError')
    expect((await catchAsync(async () => await openBackup(withBody(text, body.replace(/.$/, '!')), 'pw'))).message).toMatch(/damaged/)
  })

  it('refuses oversized input before any work', async () => {
    const huge = '-----BEGIN MESHCHAT BACKUP-----\n' + 'A'.repeat(MAX_BACKUP_CHARS) + '\n-----END MESHCHAT BACKUP-----'
    expect((await catchAsync(async () => await openBackup(huge, 'pw'))).name).toBe('TooLargeError')
  })

  it('refuses KDF parameters that would cost unbounded memory', async () => {
    const text = await createBackup(sampleContents(), 'pw', FAST)
    const box = Uint8Array.from(atob(bodyOf(text)), c => c.charCodeAt(0))
    box[1] = 30 // logN: 2^30 blocks
    const err = await catchAsync(async () => await openBackup(withBody(text, btoa(String.fromCharCode(...box))), 'pw'))
    expect(err.name).toBe('MalformedError')
    expect(err.message).toMatch(/logN/)
  })

  it('stores the default KDF cost in the backup and opens it from there', async () => {
    const text = await createBackup(sampleContents(), 'pw')
    const box = Uint8Array.from(atob(bodyOf(text)), c => c.charCodeAt(0))
    expect([box[0], box[1], box[2], box[3]]).toEqual([1, 15, 8, 1])
    expect((await openBackup(text, 'pw')).displayName).toBe('Ada ✨')
  })

  it('passphrase boxes round-trip every length, leave their input untouched, and detect any flipped bit', async () => {
    for (const length of [0, 1, 15, 16, 17, 64, 255, 1024, 2048]) {
      const plaintext = Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff)
      const copy = plaintext.slice()
      const box = await sealWithPassphrase(plaintext, 'pw', 'test/v1', FAST)
      expect(plaintext).toEqual(copy)
      expect(await openWithPassphrase(box, 'pw', 'test/v1')).toEqual(plaintext)
      const flipped = box.slice()
      flipped[box.length - 1 - (length % 16)] ^= 0x80
      expect((await catchAsync(async () => await openWithPassphrase(flipped, 'pw', 'test/v1'))).name).toBe('WrongPassphraseError')
    }
    expect((await catchAsync(async () => await openWithPassphrase(new Uint8Array(10), 'pw', 'test/v1'))).name).toBe('MalformedError')
    expect((await catchAsync(async () => await sealWithPassphrase(new Uint8Array(1), '', 'test/v1', FAST))).name).toBe('RangeError')
  })

  it('rejects a backup whose room epochs do not have the right shape', async () => {
    const contents = { ...sampleContents(), rooms: [{ secret: generateRoomCode().secret, epochs: [{ number: -1, secret: 'x' }] }] }
    const err = await catchAsync(async () => await openBackup(await createBackup(contents, 'pw', FAST), 'pw'))
    expect(err.name).toBe('MalformedError')
    expect(err.message).toMatch(/room epoch/)
  })

  it('a box sealed for the lock does not open as a backup (contexts are bound)', async () => {
    const box = await sealWithPassphrase(new Uint8Array(32), 'pw', 'meshchat/lock/v1', FAST)
    expect((await catchAsync(async () => await openWithPassphrase(box, 'pw', 'meshchat/backup/v1'))).name).toBe('WrongPassphraseError')
  })

  it('a client exports its identity and rooms; restoring on another store gives the same identity and rooms back, named', async () => {
    const store = new MemoryStore()
    const client = await Client.open({ store })
    await client.setDisplayName('Grace')
    const room = await client.createRoom()
    await room.rename('Book club')
    const text = await client.exportBackup('pw', FAST)
    await client.close()

    const other = new MemoryStore()
    await restoreIdentity(other, await openBackup(text, 'pw'))
    const restored = await Client.open({ store: other })
    expect(bytesToHex(restored.identity.publicKey)).toBe(bytesToHex(client.identity.publicKey))
    expect(restored.displayName).toBe('Grace')
    expect((await restored.listRooms()).map(r => r.id)).toEqual([room.id])
    expect((await restored.openRoom(room.id))?.code.display).toBe(room.code.display)
    // Its name shows at once, before any member is met.
    expect((await restored.openRoom(room.id))?.title).toBe('Book club')
    await restored.close()
  })

  it('brings back a room whose code changed since it was joined, at its current code', async () => {
    const client = await Client.open({ store: new MemoryStore() })
    const room = await client.createRoom()
    const first = room.code.display
    await room.rotate()
    expect(room.code.display).not.toBe(first)
    const text = await client.exportBackup('pw', FAST)
    await client.close()

    const other = new MemoryStore()
    await restoreIdentity(other, await openBackup(text, 'pw'))
    const restored = await Client.open({ store: other })
    expect((await restored.openRoom(room.id))?.code.display).toBe(room.code.display)
    await restored.close()
  })

  it('refuses a restore whose room code is not valid, before writing anything', async () => {
    const contents = { ...sampleContents(), rooms: [{ secret: 'not a code' }] }
    const text = await createBackup(contents, 'pw', FAST)
    const store = new MemoryStore()
    expect((await catchAsync(async () => { await restoreIdentity(store, await openBackup(text, 'pw')) })).name).toBe('InvalidRoomCodeError')
    expect(await identityState(store)).toBe('none')
  })
})

describe('app lock', () => {
  it('keeps only the sealed key at rest, opens with the passphrase, and turns off', async () => {
    const store = new MemoryStore()
    const identity = await loadIdentity(store)
    await lockIdentity(store, identity, 'open sesame', FAST)
    expect(await identityState(store)).toBe('locked')
    const atRest = await store.getMeta<Record<string, Uint8Array>>('identity')
    expect(Object.keys(atRest!)).toEqual(['locked'])
    expect(bytesToHex(atRest!.locked)).not.toContain(bytesToHex(identity.secretKey))

    expect((await catchAsync(async () => await loadIdentity(store))).name).toBe(new LockedError().name)
    expect((await catchAsync(async () => await Client.open({ store }))).name).toBe('LockedError')
    expect((await catchAsync(async () => await Client.open({ store, passphrase: 'nope' }))).name).toBe('WrongPassphraseError')
    const client = await Client.open({ store, passphrase: 'open sesame' })
    expect(bytesToHex(client.identity.publicKey)).toBe(bytesToHex(identity.publicKey))

    expect((await catchAsync(async () => await unlockIdentity(store, 'nope'))).name).toBe('WrongPassphraseError')
    expect(await identityState(store)).toBe('locked')
    await unlockIdentity(store, 'open sesame')
    expect(await identityState(store)).toBe('unlocked')
    expect(bytesToHex((await loadIdentity(store)).secretKey)).toBe(bytesToHex(identity.secretKey))
  })
})
