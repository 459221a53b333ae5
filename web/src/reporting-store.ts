/**
 * A Store that forwards every call to another and reports the calls that fail (a full disk,
 * IndexedDB closed by the browser, …) so the app can tell the user. The failure still reaches
 * the caller: the core decides what to do, the user gets to know why.
 */
import type { Store } from '../../src/store/store.js'

/** One failed storage call. */
export interface StorageFault {
  /** The Store method that failed (`addMessage`, …). */
  operation: string
  error: Error
  /** The device is out of space (QuotaExceededError), rather than some other storage error. */
  outOfSpace: boolean
}

export interface ReportingStoreEvents {
  /** Called for every failed call. */
  onFault: (fault: StorageFault) => void
  /** Called when a write succeeds after a fault was reported: storage works again. */
  onRecovered?: () => void
}

/** The Store methods that write: their success means storage works again. */
const WRITES = new Set(['putMeta', 'putRoom', 'nextSeq', 'addMessage', 'setMessageState', 'replaceMessage', 'removeMessage', 'putMember', 'putFileChunk'])

const faults = new WeakSet<object>()

/** Whether `err` came from a failed storage call of a reporting store. */
export function isStorageFault (err: unknown): boolean {
  return typeof err === 'object' && err !== null && faults.has(err)
}

/** Whether `err` says the device or the origin's quota is full. */
export function isOutOfSpace (err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name
  const inner = (err as { inner?: { name?: unknown } } | null)?.inner?.name
  return name === 'QuotaExceededError' || inner === 'QuotaExceededError'
}

/**
 * Wraps `inner`. Every method is forwarded (including ones the Store interface gains later);
 * a rejection is reported through `events.onFault` and then passed on unchanged.
 */
export function reportingStore<S extends Store> (inner: S, events: ReportingStoreEvents): S {
  let faulted = false
  return new Proxy(inner, {
    get (target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function' || typeof property !== 'string') return value
      return async (...args: unknown[]): Promise<unknown> => {
        try {
          const result: unknown = await (value as (...a: unknown[]) => unknown).apply(target, args)
          if (faulted && WRITES.has(property)) {
            faulted = false
            events.onRecovered?.()
          }
          return result
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err))
          faulted = true
          if (typeof err === 'object' && err !== null) faults.add(err)
          events.onFault({ operation: property, error, outOfSpace: isOutOfSpace(err) })
          throw err
        }
      }
    }
  })
}

/** What the user reads about a fault: what happened and that nothing stored is lost. */
export function describeFault (fault: StorageFault): string {
  if (fault.outOfSpace) {
    return 'Your device is out of space: new messages cannot be saved until you free some space. Nothing already saved is lost.'
  }
  return `This device could not save to its storage (${fault.error.name}): new messages may not be kept. Nothing already saved is lost.`
}
