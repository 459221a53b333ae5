/**
 * A minimal typed event emitter: `on` returns the function that removes the listener.
 * A throwing listener is reported and does not stop the others.
 */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(detail: never) => void>>()

  on<K extends keyof Events>(type: K, listener: (detail: Events[K]) => void): () => void {
    let set = this.listeners.get(type)
    if (set === undefined) this.listeners.set(type, set = new Set())
    set.add(listener as (detail: never) => void)
    return () => { set.delete(listener as (detail: never) => void) }
  }

  emit<K extends keyof Events>(type: K, detail: Events[K]): void {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        (listener as (detail: Events[K]) => void)(detail)
      } catch (err) {
        console.error(`listener for "${String(type)}" failed`, err)
      }
    }
  }
}
