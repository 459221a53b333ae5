import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { bytesToHex } from '../../src/bytes.js'
import { EpochBook, pickCurrent } from '../../src/room/epochs.js'
import type { Epoch, StoredEpoch } from '../../src/room/epochs.js'
import { generateRoomCode, roomCodeFromSecret } from '../../src/room/room-code.js'
import { deriveEpochKeys } from '../../src/crypto/room-keys.js'

const ANN = 'aa'.repeat(32)
const BOB = 'bb'.repeat(32)
const CAT = 'cc'.repeat(32)

const root: StoredEpoch = { number: 0, secret: generateRoomCode().secret }

function rotation (number: number, author: string, removed: string[], digest: string): StoredEpoch {
  return { number, secret: generateRoomCode().secret, rotation: { author, removed, digest, parent: '00'.repeat(8) } }
}

function epochOf (stored: StoredEpoch): Epoch {
  return new EpochBook([stored]).current
}

describe('pickCurrent: which epoch wins', () => {
  const pick = (...stored: StoredEpoch[]): StoredEpoch => {
    const epochs = stored.map(epochOf)
    return stored[epochs.indexOf(pickCurrent(epochs))]
  }

  it('the higher number wins, whatever the rotations say', () => {
    const one = rotation(1, ANN, [BOB], '00')
    const two = rotation(2, BOB, [], 'ff')
    expect(pick(one, two)).toBe(two)
    expect(pick(two, one)).toBe(two)
    expect(pick(root, one)).toBe(one)
  })

  it('between the same number, the one that removes the other\'s author wins, even with the larger digest', () => {
    const annRemovesBob = rotation(1, ANN, [BOB], 'ff')
    const bobKeepsAll = rotation(1, BOB, [], '00')
    expect(pick(annRemovesBob, bobKeepsAll)).toBe(annRemovesBob)
    expect(pick(bobKeepsAll, annRemovesBob)).toBe(annRemovesBob)
  })

  it('otherwise (neither or both remove the other), the smaller digest wins', () => {
    const a = rotation(1, ANN, [CAT], '01')
    const b = rotation(1, BOB, [], '02')
    expect(pick(a, b)).toBe(a)
    expect(pick(b, a)).toBe(a)
    const mutualA = rotation(1, ANN, [BOB], '09')
    const mutualB = rotation(1, BOB, [ANN], '08')
    expect(pick(mutualA, mutualB)).toBe(mutualB)
  })

  it('picks one winner where pairwise rules would go round in a circle', () => {
    // Ann removes Bob (digest 03); Bob (01) and Cat (02) remove nobody. Pairwise, Ann beats Bob,
    // Bob beats Cat and Cat beats Ann; over the set, Bob is out and Cat has the smaller digest.
    const ann = rotation(1, ANN, [BOB], '03')
    const bob = rotation(1, BOB, [], '01')
    const cat = rotation(1, CAT, [], '02')
    for (const order of [[ann, bob, cat], [bob, cat, ann], [cat, ann, bob], [cat, bob, ann]]) {
      expect(pick(...order)).toBe(cat)
    }
  })

  it('refuses an empty set', () => {
    expect(() => pickCurrent([])).toThrow(RangeError)
  })
})

describe('EpochBook', () => {
  it('starts at its only epoch and finds epochs by tag', () => {
    const book = new EpochBook([root])
    expect(book.current.number).toBe(0)
    expect(book.current.code.secret).toBe(root.secret)
    expect(book.byTag(book.current.tag)).toBe(book.current)
    expect(book.byTag(new Uint8Array(8))).toBeUndefined()
    expect(book.has(root.secret)).toBe(true)
  })

  it('gives each epoch the keys its secret derives, and finds epochs added after a lookup by tag', () => {
    const book = new EpochBook([root])
    expect(book.byTag(book.current.tag)).toBe(book.current)
    const next = rotation(1, ANN, [], '00')
    book.add(next)
    for (const stored of [root, next]) {
      const epoch = book.all().find(e => e.code.secret === stored.secret)!
      const keys = deriveEpochKeys(roomCodeFromSecret(stored.secret), stored.number)
      expect({ epochId: epoch.epochId, tag: epoch.tag, topic: epoch.topic, rendezvous: epoch.rendezvous, frameKey: epoch.frameKey })
        .toEqual({ epochId: keys.epochId, tag: keys.tag, topic: keys.topic, rendezvous: keys.rendezvous, frameKey: keys.frameKey })
      expect(epoch.tagHex).toBe(bytesToHex(keys.tag))
      expect(book.byTag(keys.tag)).toBe(epoch)
    }
  })

  it('holds an epoch once, however often its secret is listed', () => {
    expect(new EpochBook([root, { ...root }]).all()).toHaveLength(1)
  })

  it('refuses to start without an epoch', () => {
    expect(() => new EpochBook([])).toThrow(RangeError)
  })

  it('moves to a winning epoch, keeps losers readable, and ignores an epoch it already holds', () => {
    const book = new EpochBook([root])
    const loser = rotation(1, BOB, [], 'ff')
    const winner = rotation(1, ANN, [], '00')
    expect(book.add(loser)).toBe(true)
    expect(book.add(winner)).toBe(true)
    expect(book.current.code.secret).toBe(winner.secret)
    expect(book.add(loser)).toBe(false)
    expect(book.all()).toHaveLength(3)
    expect(book.has(loser.secret)).toBe(true)
    const again = new EpochBook(book.toStored())
    expect(again.current.code.secret).toBe(winner.secret)
  })

  it('picks the same winner whatever order three concurrent proposals arrive in, when one removes another\'s author', () => {
    // Ann removes Bob (so Ann beats Bob), Bob has the smallest digest (so Bob beats Cat),
    // Cat's digest is smaller than Ann's (so Cat beats Ann): every order must still agree
    const proposals = [rotation(1, ANN, [BOB], '03'), rotation(1, BOB, [], '01'), rotation(1, CAT, [], '02')]
    const winners = new Set<string>()
    for (const order of [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]) {
      const book = new EpochBook([root])
      for (const i of order) book.add(proposals[i])
      winners.add(book.current.code.secret)
      winners.add(new EpochBook([root, ...order.map(i => proposals[i])]).current.code.secret)
    }
    expect(winners.size).toBe(1)
  })

  it('picks the same winner whatever order the epochs arrive in (shuffled many times)', () => {
    const authors = [ANN, BOB, CAT, 'dd'.repeat(32)]
    const storedArb = fc.uniqueArray(
      fc.record({
        number: fc.integer({ min: 1, max: 2 }),
        author: fc.constantFrom(...authors),
        removed: fc.subarray(authors),
        digest: fc.uint8Array({ minLength: 4, maxLength: 4 }).map(bytesToHex)
      }),
      // digests are SHA-256 of distinct signed rotations: never equal
      { minLength: 1, maxLength: 8, selector: r => r.digest }
    ).map(list => [root, ...list.map(r => rotation(r.number, r.author, r.removed.filter(k => k !== r.author), r.digest))])

    fc.assert(fc.property(storedArb, fc.array(fc.nat(), { minLength: 10, maxLength: 10 }), (stored, seeds) => {
      const reference = new EpochBook(stored).current.code.secret
      for (const seed of seeds) {
        const order = shuffle(stored, seed)
        // built at once, and added one by one from the first
        expect(new EpochBook(order).current.code.secret).toBe(reference)
        const book = new EpochBook([order[0]])
        for (const s of order.slice(1)) book.add(s)
        expect(book.current.code.secret).toBe(reference)
      }
    }), { numRuns: 300 })
  })
})

/** A deterministic Fisher-Yates shuffle. */
function shuffle<T> (items: T[], seed: number): T[] {
  const out = items.slice()
  let x = seed | 1
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    const j = Math.abs(x) % (i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}
