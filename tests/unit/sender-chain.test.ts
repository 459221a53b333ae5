import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { CHAIN_ID_BYTES, MAX_SKIP, ReceiverChain, SHARE_WINDOW_MS, SenderChain, chainKeyId } from '../../src/crypto/sender-chain.js'

const hex = (bytes: Uint8Array | undefined): string | undefined => bytes === undefined ? undefined : bytesToHex(bytes)

/** A sender and the first `n` message keys it hands out, as hex. */
function sent (chain: SenderChain, n: number): string[] {
  const keys: string[] = []
  let first: number | undefined
  for (let i = 0; i < n; i++) {
    const { index, messageKey } = chain.next()
    first ??= index
    expect(index).toBe(first + keys.length)
    keys.push(bytesToHex(messageKey))
  }
  return keys
}

describe('SenderChain and ReceiverChain', () => {
  it('give a different 32-byte message key for every index', () => {
    const keys = sent(new SenderChain(), 200)
    expect(new Set(keys).size).toBe(200)
    for (const key of keys) expect(key).toHaveLength(64)
  })

  it('start with a random chain id of 8 bytes, different for every chain', () => {
    const a = new SenderChain()
    const b = new SenderChain()
    expect(a.chainId).toHaveLength(CHAIN_ID_BYTES)
    expect(bytesToHex(a.chainId)).not.toBe(bytesToHex(b.chainId))
    expect(sent(a, 3)).not.toEqual(sent(b, 3))
  })

  it('let a receiver built from the shared state derive the same keys as the sender', () => {
    const sender = new SenderChain()
    const receiver = new ReceiverChain(sender.state())
    const keys = sent(sender, 50)
    for (let i = 0; i < 50; i++) expect(hex(receiver.take(i))).toBe(keys[i])
  })

  it('deliver out of order within MAX_SKIP: later indexes first, skipped ones afterwards', () => {
    const sender = new SenderChain()
    const receiver = new ReceiverChain(sender.state())
    const keys = sent(sender, 30)
    const order = [29, 3, 0, 17, 1, 2, 28, 4, ...Array.from({ length: 30 }, (_, i) => i).filter(i => ![29, 3, 0, 17, 1, 2, 28, 4].includes(i))]
    for (const i of order) expect(hex(receiver.take(i)), `index ${i}`).toBe(keys[i])
  })

  it('reach exactly MAX_SKIP ahead, and refuse (undefined) one further, without moving the chain', () => {
    const sender = new SenderChain()
    const state = sender.state()
    const keys = sent(sender, MAX_SKIP + 2)
    const far = new ReceiverChain(state)
    expect(far.take(MAX_SKIP + 1)).toBeUndefined()
    // nothing was consumed by the refusal: index 0 is still there
    expect(hex(far.take(0))).toBe(keys[0])
    const edge = new ReceiverChain(state)
    expect(hex(edge.take(MAX_SKIP))).toBe(keys[MAX_SKIP])
    expect(hex(edge.take(MAX_SKIP - 1))).toBe(keys[MAX_SKIP - 1])
  })

  it('give each key once: taking an index twice gives undefined', () => {
    const sender = new SenderChain()
    const receiver = new ReceiverChain(sender.state())
    sent(sender, 5)
    expect(receiver.take(2)).toBeDefined()
    expect(receiver.take(2)).toBeUndefined()
    expect(receiver.take(4)).toBeDefined()
    expect(receiver.take(4)).toBeUndefined()
    expect(receiver.take(0)).toBeDefined()
    expect(receiver.take(0)).toBeUndefined()
  })

  it('let restore put a key back, so it can be taken once more', () => {
    const sender = new SenderChain()
    const receiver = new ReceiverChain(sender.state())
    const keys = sent(sender, 3)
    const key = receiver.take(1)!
    receiver.restore(1, key)
    expect(hex(receiver.take(1))).toBe(keys[1])
    expect(receiver.take(1)).toBeUndefined()
    const last = receiver.take(2)!
    receiver.restore(2, last)
    expect(hex(receiver.take(2))).toBe(keys[2])
  })

  it('cannot derive indexes from before the shared state', () => {
    let t = 0
    const sender = new SenderChain(undefined, () => t)
    sent(sender, 10)
    t += SHARE_WINDOW_MS + 20_000 // every earlier checkpoint is out of the window
    const late = sender.state()
    expect(late.index).toBe(10)
    const receiver = new ReceiverChain(late)
    for (let i = 0; i < 10; i++) expect(receiver.take(i), `index ${i}`).toBeUndefined()
    const keys = sent(sender, 2)
    expect(hex(receiver.take(10))).toBe(keys[0])
    expect(hex(receiver.take(11))).toBe(keys[1])
  })

  it('keep forward secrecy: no key derivable from a state taken later equals an earlier message key', () => {
    let t = 0
    const sender = new SenderChain(undefined, () => t)
    const early = sent(sender, 20)
    t += SHARE_WINDOW_MS + 20_000
    const later = sender.state()
    const receiver = new ReceiverChain(later)
    const derivable = new Set<string>()
    for (let i = later.index; i < later.index + 100; i++) derivable.add(hex(receiver.take(i))!)
    for (const key of early) expect(derivable.has(key)).toBe(false)
    // nor is the later chain key itself one of the earlier message keys
    expect(early).not.toContain(bytesToHex(later.chainKey))
  })

  it('share from a checkpoint at most SHARE_WINDOW_MS (+10 s granularity) old, with an injected clock', () => {
    let t = 1_000_000
    const sender = new SenderChain(undefined, () => t)
    expect(sender.state().index).toBe(0)
    // one message a second for five minutes
    for (let i = 0; i < 300; i++) {
      sender.next()
      t += 1_000
      const state = sender.state()
      // the state is from a checkpoint; the checkpoint's messages are at most the window + 10 s old
      const sentAt = (index: number): number => 1_000_000 + index * 1_000
      expect(t - sentAt(state.index)).toBeLessThanOrEqual(SHARE_WINDOW_MS + 10_000 + 1_000)
      // and a receiver from it can read the latest message
      expect(state.index).toBeLessThanOrEqual(i + 1)
    }
    const state = sender.state()
    expect(state.index).toBeGreaterThan(300 - (SHARE_WINDOW_MS + 11_000) / 1_000)
    expect(state.index).toBeLessThanOrEqual(300 - SHARE_WINDOW_MS / 1_000)
  })

  it('share the current position once the chain has been idle for longer than the window', () => {
    let t = 0
    const sender = new SenderChain(undefined, () => t)
    sent(sender, 5)
    t += SHARE_WINDOW_MS + 10_000
    expect(sender.state().index).toBe(5)
  })

  it('hand out state that the caller cannot use to change the sender', () => {
    const sender = new SenderChain()
    const state = sender.state()
    const receiver = new ReceiverChain(state)
    state.chainKey.fill(0)
    const keys = sent(sender, 1)
    expect(hex(receiver.take(0))).toBe(keys[0])
  })

  it('name a member\'s chain by author and chain id', () => {
    const author = new Uint8Array(32).fill(0xab)
    const chainId = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)
    expect(chainKeyId(author, chainId)).toBe(`${'ab'.repeat(32)}/0102030405060708`)
    expect(chainKeyId('ab'.repeat(32), chainId)).toBe(chainKeyId(author, chainId))
  })
})
