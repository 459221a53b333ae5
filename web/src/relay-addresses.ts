/**
 * Which relay addresses the app tries: the relay that served the page (reached on the host the
 * page came from, over wss when the page is https and ws when it is http), then every other relay
 * `/relay.json` lists. Pure: no DOM, so it can be tested in Node.
 */
import { isLoopbackHost } from './loopback-host.js'

/** `/relay.json` as the relay serves it. Older relays send only `peerId` and `wsPort`. */
export interface RelayJson {
  peerId: string
  wsPort: number
  wssPort?: number | null
  relays?: Array<{ peerId: string, multiaddrs: string[] }>
  /** STUN servers for WebRTC, if the operator set any (`--stun`). */
  stunServers?: string[]
}

/** One relay to try: its peer id and the single address to dial it on. */
export interface RelayCandidate {
  peerId: string
  addr: string
}

/**
 * The relays to try, the page's own first. `hostname` and `secure` describe the page
 * (`location.hostname`, `location.protocol === 'https:'`).
 */
export function relayCandidates (hostname: string, secure: boolean, info: RelayJson): RelayCandidate[] {
  const own = ownRelayAddress(hostname, secure, info)
  const candidates: RelayCandidate[] = own === undefined ? [] : [{ peerId: info.peerId, addr: own }]
  const pageIsLocal = isLoopbackHost(hostname)
  for (const relay of info.relays ?? []) {
    if (relay.peerId === info.peerId || candidates.some(c => c.peerId === relay.peerId)) continue
    // An https page may only open wss; an http page uses ws (a LAN relay's certificate is not
    // trusted until someone accepts it, so ws is the one that works there).
    const usable = relay.multiaddrs.filter(a => isSecureWs(a) === secure && /\/p2p\/\w+$/.test(a))
    // Another machine's loopback address would reach this machine, not that relay.
    const reachable = usable.filter(a => pageIsLocal || !isLoopbackAddr(a))
    const addr = reachable[0]
    if (addr !== undefined) candidates.push({ peerId: relay.peerId, addr })
  }
  return candidates
}

/** The serving relay on the host this page came from, so it works on a LAN too. */
export function ownRelayAddress (hostname: string, secure: boolean, info: RelayJson): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, '')
  const proto = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? 'ip4' : host.includes(':') ? 'ip6' : 'dns4'
  if (secure) {
    if (info.wssPort == null) return undefined
    return `/${proto}/${host}/tcp/${info.wssPort}/tls/ws/p2p/${info.peerId}`
  }
  return `/${proto}/${host}/tcp/${info.wsPort}/ws/p2p/${info.peerId}`
}

/** The `ws://` or `wss://` URL of a WebSocket multiaddr, or undefined for other addresses. */
export function webSocketUrl (addr: string): string | undefined {
  const match = /^\/(ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/(\d+)\/(tls\/ws|wss|ws)(\/|$)/.exec(addr)
  if (match === null) return undefined
  const host = match[1] === 'ip6' ? `[${match[2]}]` : match[2]
  return `${match[4] === 'ws' ? 'ws' : 'wss'}://${host}:${match[3]}`
}

function isSecureWs (addr: string): boolean {
  return addr.includes('/tls/ws') || addr.includes('/wss')
}

function isLoopbackAddr (addr: string): boolean {
  return /^\/ip4\/127\./.test(addr) || addr.startsWith('/ip6/::1/') || /^\/dns[46]?\/localhost\//.test(addr)
}

