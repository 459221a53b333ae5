/**
 * The relay: a libp2p node that lets browsers reach each other (WebSockets + circuit relay v2,
 * used for WebRTC signalling), a rendezvous table so members of a room find each other, and an
 * HTTP server for the app. It stores no messages and cannot read any.
 */
import { once } from 'node:events'
import type { Server } from 'node:http'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { RENDEZVOUS_PROTOCOL } from '../src/net/rendezvous-codec.js'
import { createHttpServer } from './http-server.js'
import { loadOrCreateKey } from './key-file.js'
import { DEFAULT_RENDEZVOUS_LIMITS, RendezvousServer } from './rendezvous-server.js'

export interface RelayInit {
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string
  /** HTTP port for the app; 8080 by default, 0 for any free port. */
  httpPort?: number
  /** WebSocket port for libp2p; 9090 by default, 0 for any free port. */
  wsPort?: number
  /** Where the relay keeps its key. */
  dataDir?: string
  /** Folder of the built PWA. */
  webRoot?: string
  /** Maximum circuit relay reservations held at once. */
  maxReservations?: number
  /** Maximum libp2p connections. */
  maxConnections?: number
  /** Structured log sink; one JSON line per event on stdout by default. */
  log?: (event: string, fields?: Record<string, unknown>) => void
}

export interface RelayInfo {
  peerId: string
  wsPort: number
  multiaddrs: string[]
}

export class Relay {
  private node: Libp2p | undefined
  private http: Server | undefined
  readonly rendezvous: RendezvousServer
  private readonly log: NonNullable<RelayInit['log']>

  constructor (private readonly init: RelayInit = {}) {
    this.log = init.log ?? jsonLog
    this.rendezvous = new RendezvousServer(DEFAULT_RENDEZVOUS_LIMITS, this.log)
  }

  async start (): Promise<void> {
    const host = this.init.host ?? '127.0.0.1'
    const dataDir = this.init.dataDir ?? '.data/relay'
    const privateKey = await loadOrCreateKey(join(dataDir, 'libp2p.key'))
    const maxReservations = this.init.maxReservations ?? 1_000
    this.node = await createLibp2p({
      privateKey,
      addresses: { listen: [`/ip4/${host}/tcp/${this.init.wsPort ?? 9090}/ws`] },
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { maxConnections: this.init.maxConnections ?? 2_000 },
      services: {
        identify: identify(),
        relay: circuitRelayServer({ reservations: { maxReservations } })
      }
    })
    await this.node.handle(RENDEZVOUS_PROTOCOL, this.rendezvous.handle, { maxInboundStreams: 8 })
    this.node.addEventListener('peer:disconnect', event => {
      this.rendezvous.forgetPeer(event.detail.toString())
    })

    this.http = createHttpServer({
      webRoot: this.init.webRoot ?? 'dist/web',
      relayInfo: () => this.info(),
      health: () => ({ ok: true, peerId: this.node?.peerId.toString(), connections: this.node?.getConnections().length ?? 0 })
    })
    this.http.listen(this.init.httpPort ?? 8080, host)
    await once(this.http, 'listening')
    this.log('relay.started', { peerId: this.node.peerId.toString(), http: this.httpUrl, multiaddrs: this.info().multiaddrs })
  }

  async stop (): Promise<void> {
    const http = this.http
    this.http = undefined
    if (http !== undefined) {
      http.closeAllConnections()
      await new Promise(resolve => http.close(resolve))
    }
    await this.node?.stop()
    this.node = undefined
    this.log('relay.stopped')
  }

  /** The app's URL. */
  get httpUrl (): string {
    const address = this.http?.address()
    if (address == null || typeof address === 'string') throw new Error('Relay is not started')
    const host = address.address.includes(':') ? `[${address.address}]` : address.address
    return `http://${host === '127.0.0.1' ? 'localhost' : host}:${address.port}/`
  }

  info (): RelayInfo {
    if (this.node === undefined) throw new Error('Relay is not started')
    const multiaddrs = this.node.getMultiaddrs().map(a => a.toString())
    const wsPort = Number(/\/tcp\/(\d+)\//.exec(multiaddrs[0] ?? '')?.[1] ?? 0)
    return { peerId: this.node.peerId.toString(), wsPort, multiaddrs }
  }
}

function jsonLog (event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }))
}
