import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Kind } from '../../src/protocol/bodies.js'
import { plainPayload, sealFrame, signMessage } from '../../src/protocol/envelope.js'
import { Harness, chainedFrameFrom, chainedFrames, pause, signedText, texts, waitFor } from './room-harness.js'
import type { Member } from './room-harness.js'

/** A hang guard, not a benchmark: no single frame may keep the room busy this long. */
// A hang guard, not a speed target: generous, since the unit files run in parallel on 2 cores.
const MAX_MS_PER_FRAME = 1_000

let h: Harness
let ann: Member
let bob: Member
/** Valid frames Bob has not seen: mutated, they must all be refused. */
let valid: Uint8Array[]
let membersBefore: number

beforeAll(async () => {
  h = new Harness()
  ;[ann, bob] = await h.group(['Ann', 'Bob'])
  bob.transport.setOnline(false) // Bob is fed frames by hand only
  const epoch = ann.room.epoch
  valid = [
    chainedFrameFrom(ann, epoch, await signedText(ann.identity, epoch, 1_000, 'hello')),
    sealFrame(epoch, plainPayload(await signMessage(ann.identity, epoch.epochId, { kind: Kind.KeyShare, seq: 0, timestamp: Date.now(), body: Uint8Array.of(1) }))),
    ...ann.published.slice(0, 2)
  ]
  membersBefore = bob.room.members().length
  // warm up the code paths once, outside the timed runs
  await bob.room.receive(new Uint8Array(300))
})

afterAll(async () => {
  await h.close()
})

async function timedReceive (frame: Uint8Array): Promise<string> {
  const start = performance.now()
  const verdict = await bob.room.receive(frame)
  expect(performance.now() - start).toBeLessThan(MAX_MS_PER_FRAME)
  return verdict
}

async function expectNothingStored (): Promise<void> {
  expect(await bob.room.history()).toEqual([])
  expect(bob.messages).toEqual([])
  expect(await bob.store.listMembers(bob.room.id)).toHaveLength(membersBefore - 1)
}

describe('room.receive under fuzzing', () => {
  it('never throws on random bytes, returns a verdict, stores nothing and finishes quickly', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 2_048 }), async bytes => {
      expect(['reject', 'ignore']).toContain(await timedReceive(bytes))
    }), { numRuns: 300 })
    await expectNothingStored()
  })

  it('never throws on random bytes behind a valid version and epoch tag, and rejects them', async () => {
    const head = valid[0].subarray(0, 9)
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 1_024 }), async tail => {
      const frame = new Uint8Array(9 + tail.length)
      frame.set(head)
      frame.set(tail, 9)
      expect(await timedReceive(frame)).toBe('reject')
    }), { numRuns: 300 })
    await expectNothingStored()
  })

  it('refuses every mutation of a valid frame (flipped bytes, cuts, additions) and stores nothing', async () => {
    const mutation = fc.record({
      which: fc.nat({ max: valid.length - 1 }),
      flips: fc.array(fc.record({ at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }), { minLength: 0, maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      extra: fc.uint8Array({ minLength: 0, maxLength: 16 })
    }).filter(m => m.flips.length > 0 || m.cut !== undefined || m.extra.length > 0)

    await fc.assert(fc.asyncProperty(mutation, async m => {
      let frame = valid[m.which].slice()
      for (const { at, mask } of m.flips) frame[at % frame.length] ^= mask
      if (m.cut !== undefined) frame = frame.slice(0, m.cut % frame.length)
      if (m.extra.length > 0) {
        const longer = new Uint8Array(frame.length + m.extra.length)
        longer.set(frame)
        longer.set(m.extra, frame.length)
        frame = longer
      }
      // several flips may cancel out: skip what is byte-for-byte the original
      if (frame.length === valid[m.which].length && frame.every((b, i) => b === valid[m.which][i])) return
      const verdict = await timedReceive(frame)
      expect(['reject', 'ignore']).toContain(verdict)
    }), { numRuns: 500 })
    await expectNothingStored()
  })

  it('still reads the untouched frame afterwards: the fuzzing burned no key', async () => {
    bob.transport.setOnline(true)
    await ann.room.send('after the fuzz')
    await waitFor(async () => (await texts(bob)).includes('after the fuzz'), 'delivery after fuzzing')
    expect(await bob.room.receive(valid[0])).toBe('accept')
    await pause(10)
    expect(await texts(bob)).toContain('hello')
    expect(chainedFrames(ann).length).toBeGreaterThan(0)
  })
})
