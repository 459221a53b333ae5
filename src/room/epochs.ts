/**
 * The epochs a room has been through, and which one is current.
 *
 * Epoch 0 comes from the code the room was joined with. Each rotation proposes epoch n+1 from
 * epoch n. Two members may rotate at once during a partition; every peer then picks the same
 * winner from the set of epochs it holds, whatever order they arrived in (`pickCurrent`):
 * 1. only the highest epoch number is in the running;
 * 2. a proposal whose author another proposal for that number removes is out (so a member who
 *    is being removed cannot keep the room by rotating at the same time), unless that would
 *    leave none;
 * 3. of the rest, the smallest digest of the signed rotation wins.
 * This is a choice over the whole set, not a pairwise comparison, so it cannot go round in
 * circles. Keys of losing epochs are kept, so messages already sent in them can still be read.
 */
import { bytesToHex } from '../bytes.js'
import { deriveEpochKeys } from '../crypto/room-keys.js'
import type { EpochKeys } from '../crypto/room-keys.js'
import { roomCodeFromSecret } from './room-code.js'
import type { RoomCode } from './room-code.js'

/** How a rotation produced an epoch (absent for epoch 0). */
export interface RotationInfo {
  /** Author of the rotation, hex. */
  readonly author: string
  /** Members the rotation removed, hex. */
  readonly removed: string[]
  /** SHA-256 of the signed rotation, hex: the tie-breaker. */
  readonly digest: string
  /** Tag of the epoch it rotated from, hex. */
  readonly parent: string
  /** The signed rotation (plain payload data), kept to hand to members who were away. */
  readonly signed?: Uint8Array
}

export interface Epoch extends EpochKeys {
  readonly tagHex: string
  readonly rotation?: RotationInfo
}

/** What the store keeps of an epoch. */
export interface StoredEpoch {
  readonly number: number
  readonly secret: string
  readonly rotation?: RotationInfo
}

export class EpochBook {
  private readonly list: Epoch[] = []
  /** By tag, hex; made when first needed, since making it derives every epoch's keys. */
  private byTagHex?: Map<string, Epoch>
  private currentEpoch: Epoch

  constructor (stored: StoredEpoch[]) {
    if (stored.length === 0) throw new RangeError('A room needs at least its first epoch')
    // An epoch's tag comes from its secret alone, so one secret is one epoch.
    for (const s of stored) if (!this.has(s.secret)) this.insert(toEpoch(s))
    this.currentEpoch = this.pickCurrent()
  }

  get current (): Epoch {
    return this.currentEpoch
  }

  /** The epoch whose frames carry `tag`, if we hold its key. */
  byTag (tag: Uint8Array): Epoch | undefined {
    return this.tagIndex().get(bytesToHex(tag))
  }

  all (): Epoch[] {
    return [...this.list]
  }

  has (secret: string): boolean {
    return this.list.some(e => e.code.secret === secret)
  }

  /** Rotations whose parent is `tagHex`, i.e. proposals made from that epoch. */
  childrenOf (tagHex: string): Epoch[] {
    return this.list.filter(e => e.rotation?.parent === tagHex)
  }

  /** Adds an epoch; returns true when it became the current one. */
  add (stored: StoredEpoch): boolean {
    if (this.has(stored.secret)) return false
    this.insert(toEpoch(stored))
    const before = this.currentEpoch
    this.currentEpoch = this.pickCurrent()
    return this.currentEpoch !== before
  }

  /** Everyone removed on the way to the current epoch. */
  removedMembers (): Set<string> {
    const removed = new Set<string>()
    let epoch: Epoch | undefined = this.currentEpoch
    while (epoch?.rotation !== undefined) {
      for (const key of epoch.rotation.removed) removed.add(key)
      const parent: string = epoch.rotation.parent
      epoch = this.tagIndex().get(parent)
    }
    return removed
  }

  toStored (): StoredEpoch[] {
    return this.list.map(e => ({ number: e.number, secret: e.code.secret, rotation: e.rotation }))
  }

  private insert (epoch: Epoch): void {
    this.list.push(epoch)
    this.byTagHex?.set(epoch.tagHex, epoch)
  }

  private tagIndex (): Map<string, Epoch> {
    this.byTagHex ??= new Map(this.list.map(e => [e.tagHex, e]))
    return this.byTagHex
  }

  private pickCurrent (): Epoch {
    return pickCurrent(this.list)
  }
}

/** The winning epoch of a set (see the rules above); the same for any order of `epochs`. */
export function pickCurrent (epochs: Epoch[]): Epoch {
  if (epochs.length === 0) throw new RangeError('No epochs to choose from')
  const top = Math.max(...epochs.map(e => e.number))
  const running = epochs.filter(e => e.number === top)
  const removed = new Set(running.flatMap(e => e.rotation?.removed ?? []))
  const eligible = running.filter(e => e.rotation === undefined || !removed.has(e.rotation.author))
  const pool = eligible.length > 0 ? eligible : running
  return pool.reduce((best, e) => digestOf(e) < digestOf(best) ? e : best)
}

function digestOf (epoch: Epoch): string {
  // Epoch 0 has no rotation; it only ever competes with itself.
  return epoch.rotation?.digest ?? ''
}

function toEpoch (stored: StoredEpoch): Epoch {
  return new LazyEpoch(stored.number, roomCodeFromSecret(stored.secret), stored.rotation)
}

/**
 * An epoch whose keys are derived when first used. Showing a room's history needs none of them,
 * and on a cold start their five derivations are a noticeable part of opening a room; the
 * network, which does need them, starts after the first screen.
 */
class LazyEpoch implements Epoch {
  private keys?: EpochKeys & { readonly tagHex: string }

  constructor (readonly number: number, readonly code: RoomCode, readonly rotation: RotationInfo | undefined) {}

  get epochId (): Uint8Array { return this.derived().epochId }
  get tag (): Uint8Array { return this.derived().tag }
  get tagHex (): string { return this.derived().tagHex }
  get topic (): string { return this.derived().topic }
  get rendezvous (): Uint8Array { return this.derived().rendezvous }
  get frameKey (): Uint8Array { return this.derived().frameKey }

  private derived (): EpochKeys & { readonly tagHex: string } {
    if (this.keys === undefined) {
      const keys = deriveEpochKeys(this.code, this.number)
      this.keys = { ...keys, tagHex: bytesToHex(keys.tag) }
    }
    return this.keys
  }
}
