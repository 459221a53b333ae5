import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../src/store/memory-store.js'
import { describeStore, message } from './store-suite.js'

describeStore('MemoryStore', async () => new MemoryStore())

describe('MemoryStore', () => {
  it('keeps nothing between instances', async () => {
    const a = new MemoryStore()
    await a.putMeta('k', 1)
    await a.addMessage(message({ seq: 1 }))
    const b = new MemoryStore()
    expect(await b.getMeta('k')).toBeUndefined()
    expect(await b.latestMessages('aa'.repeat(32), 10)).toEqual([])
  })
})
