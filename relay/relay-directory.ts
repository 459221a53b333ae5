/**
 * The other relays this relay tells the app about in `/relay.json`: the ones the operator named
 * (`--peer-relay`) and the ones found on the LAN by mDNS. The app registers with every relay
 * that answers, so members who reach different relays still meet on a shared one.
 */
import type { PeerInfo } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { DISCOVERED_RELAY_TTL_MS } from './constants.js'

export interface RelayEntry {
  peerId: string
  /** WebSocket (`/ws`) and secure WebSocket (`/tls/ws`, `/wss`) addresses, each ending in `/p2p/<peerId>`. */
  multiaddrs: string[]
  source: 'configured' | 'mdns'
}

interface Discovered {
  readonly entry: RelayEntry
  lastSeen: number
}

export class RelayDirectory {
  private readonly configured: RelayEntry[]
  private readonly discovered = new Map<string, Discovered>()

  /**
   * `peerRelays` are multiaddrs ending in `/p2p/<peer id>`; `self` is this relay's own peer id,
   * never listed.
   */
  constructor (peerRelays: string[], private readonly self: string,
    private readonly ttlMs = DISCOVERED_RELAY_TTL_MS, private readonly now: () => number = Date.now) {
    const byPeer = new Map<string, RelayEntry>()
    for (const text of peerRelays) {
      const addr = multiaddr(text)
      const peerId = addr.getComponents().findLast(c => c.name === 'p2p')?.value
      if (peerId === undefined || peerId === self) continue
      const entry = byPeer.get(peerId) ?? { peerId, multiaddrs: [], source: 'configured' as const }
      entry.multiaddrs.push(addr.toString())
      byPeer.set(peerId, entry)
    }
    this.configured = [...byPeer.values()]
  }

  /** Records a relay announced on the LAN; returns true when it was not known yet. */
  discover (peer: PeerInfo): boolean {
    const peerId = peer.id.toString()
    if (peerId === this.self) return false
    const multiaddrs = peer.multiaddrs.filter(isWebSocket).map(a => withPeer(a, peerId))
    if (multiaddrs.length === 0) return false
    const known = this.discovered.get(peerId)
    this.discovered.set(peerId, { entry: { peerId, multiaddrs, source: 'mdns' }, lastSeen: this.now() })
    return known === undefined
  }

  /** Every known relay, configured first; LAN relays not heard from lately are dropped. */
  list (): RelayEntry[] {
    const now = this.now()
    for (const [peerId, found] of this.discovered) {
      if (now - found.lastSeen > this.ttlMs) this.discovered.delete(peerId)
    }
    const configured = new Set(this.configured.map(e => e.peerId))
    return [...this.configured, ...[...this.discovered.values()].map(d => d.entry).filter(e => !configured.has(e.peerId))]
  }
}

function isWebSocket (addr: Multiaddr): boolean {
  const names = addr.getComponents().map(c => c.name)
  return names.includes('ws') || names.includes('wss')
}

function withPeer (addr: Multiaddr, peerId: string): string {
  const text = addr.toString()
  return text.includes('/p2p/') ? text : `${text}/p2p/${peerId}`
}
