import { useEffect, useState } from 'preact/hooks'
import type { ComponentType, FunctionComponent, JSX } from 'preact'

/** A component whose code is fetched the first time it is shown, or earlier by `preload()`. */
export type LazyComponent<P extends object> = FunctionComponent<P> & {
  /** Fetches the code now. Once it is here, the component renders at once, without the fallback. */
  preload: () => Promise<ComponentType<P>>
}

/**
 * A component whose code is fetched the first time it is shown. Screens and parts that are not on
 * the way to a room's history (creating or joining a room, the profile, contacts, files, the
 * emoji picker) load this way, so the code that must arrive before history shows stays small.
 * `fallback` shows meanwhile ("Loading…" by default; `null` for a small control).
 */
export function lazy<P extends object> (load: () => Promise<ComponentType<P>>, fallback: JSX.Element | null = <p class='boot' aria-busy='true'>Loading…</p>): LazyComponent<P> {
  let loaded: ComponentType<P> | undefined
  let loading: Promise<ComponentType<P>> | undefined
  const preload = async (): Promise<ComponentType<P>> => {
    loading ??= load().then(c => (loaded = c), err => {
      loading = undefined // the next showing tries again
      throw err
    })
    return await loading
  }
  function Lazy (props: P) {
    const [component, setComponent] = useState(() => loaded)
    const [failed, setFailed] = useState(false)
    useEffect(() => {
      if (component !== undefined) return
      preload().then(c => { setComponent(() => c) }, () => { setFailed(true) })
    }, [])
    if (failed) return <p class='notice' role='alert'>This page could not be loaded. Check the connection and reload.</p>
    if (component === undefined) return fallback
    const Loaded = component
    return <Loaded {...props} />
  }
  return Object.assign(Lazy, { preload })
}
