import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { IdbStore } from '../../src/store/idb-store.js'
import { describeFault, isStorageFault, reportingStore } from '../../web/src/reporting-store.js'
import type { StorageFault } from '../../web/src/reporting-store.js'
import { message } from './store-suite.js'

const uniqueName = (): string => `meshchat-reporting-${process.pid}-${Math.random().toString(36).slice(2)}`

/** Makes every `add` and `put` on IndexedDB object stores fail as a full disk does. */
function fillTheDisk (): () => void {
  const quota = (): never => { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError') }
  const add = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(quota)
  const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(quota)
  return () => { add.mockRestore(); put.mockRestore() }
}

describe('reportingStore', () => {
  it('reports a write that fails for lack of space, passes the error on, and keeps what was stored', async () => {
    const faults: StorageFault[] = []
    const recovered = vi.fn()
    const store = reportingStore(await IdbStore.open({ name: uniqueName() }), { onFault: f => faults.push(f), onRecovered: recovered })
    const roomId = 'aa'.repeat(32)
    expect(await store.addMessage(message({ seq: 1 }))).toBe(true)

    const freeSpace = fillTheDisk()
    const failed = await store.addMessage(message({ seq: 2 })).then(() => null, (err: unknown) => err)
    freeSpace()

    expect((failed as Error).name).toBe('QuotaExceededError')
    expect(isStorageFault(failed)).toBe(true)
    expect(faults).toHaveLength(1)
    expect(faults[0]).toMatchObject({ operation: 'addMessage', outOfSpace: true })
    expect(describeFault(faults[0])).toMatch(/out of space/)
    expect((await store.latestMessages(roomId, 10)).map(m => m.seq)).toEqual([1])

    // Once a write works again, the fault is over.
    expect(recovered).not.toHaveBeenCalled()
    expect(await store.addMessage(message({ seq: 2 }))).toBe(true)
    expect(recovered).toHaveBeenCalledTimes(1)
    expect((await store.latestMessages(roomId, 10)).map(m => m.seq)).toEqual([1, 2])
  })

  it('reports other storage errors without calling them a lack of space', async () => {
    const faults: StorageFault[] = []
    const inner = await IdbStore.open({ name: uniqueName() })
    const store = reportingStore(inner, { onFault: f => faults.push(f) })
    await inner.close()
    await expect(store.putMeta('displayName', 'Ann')).rejects.toThrow()
    expect(faults).toHaveLength(1)
    expect(faults[0]).toMatchObject({ operation: 'putMeta', outOfSpace: false })
    expect(describeFault(faults[0])).toMatch(/could not save/)
  })

  it('forwards every call and its result unchanged', async () => {
    const onFault = vi.fn()
    const store = reportingStore(await IdbStore.open({ name: uniqueName() }), { onFault })
    await store.putMeta('displayName', 'Ann')
    expect(await store.getMeta('displayName')).toBe('Ann')
    expect(await store.nextSeq('bb'.repeat(32))).toBe(1)
    expect(await store.addMessage(message({ seq: 1 }))).toBe(true)
    expect(await store.addMessage(message({ seq: 1 }))).toBe(false)
    expect(onFault).not.toHaveBeenCalled()
    expect(isStorageFault(new Error('other'))).toBe(false)
  })
})
