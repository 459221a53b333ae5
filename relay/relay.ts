/**
 * The relay: a libp2p node that lets browsers reach each other (WebSockets and secure WebSockets
 * + circuit relay v2, used for WebRTC signalling), a rendezvous table so members of a room find
 * each other, mDNS so relays on one LAN know about each other, and HTTP(S) servers for the app,
 * `/relay.json`, `/health` and `/metrics`. It stores no messages and cannot read any.
 */
import { once } from 'node:events'
import type { Server } from 'node:http'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, Listener, PeerDiscovery } from '@libp2p/interface'
import { mdns } from '@libp2p/mdns'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { RENDEZVOUS_PROTOCOL } from '../src/net/rendezvous-codec.js'
import {
  DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_HTTPS_PORT, DEFAULT_HTTP_PORT, DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_IP, DEFAULT_MAX_RESERVATIONS, DEFAULT_WEB_ROOT, DEFAULT_WSS_PORT,
  DEFAULT_WS_PORT, MDNS_INTERVAL_MS, MDNS_SERVICE_TAG, NEW_CONNECTIONS_PER_SECOND_PER_IP
} from './constants.js'
import { NotStartedError } from './errors.js'
import { createHttpServer, createHttpsServer } from './http-server.js'
import type { HttpServerInit } from './http-server.js'
import { loadOrCreateKey } from './key-file.js'
import { lanNames } from './lan-names.js'
import { LimitLog } from './limit-log.js'
import type { LogFn } from './limit-log.js'
import { limitsGater } from './limits-gater.js'
import { renderMetrics } from './metrics.js'
import { RelayDirectory } from './relay-directory.js'
import type { RelayEntry } from './relay-directory.js'
import { RelayedBytes } from './relayed-bytes.js'
import { DEFAULT_RENDEZVOUS_LIMITS, RendezvousServer } from './rendezvous-server.js'
import type { RendezvousLimits } from './rendezvous-server.js'
import { loadCertificateFiles, loadOrCreateCertificate } from './tls-certificate.js'
import type { TlsCertificate } from './tls-certificate.js'

export interface RelayInit {
  /** Interface to listen on; 127.0.0.1 by default, 0.0.0.0 for a LAN. */
  host?: string
  /** HTTP port for the app; 8080 by default, 0 for any free port. */
  httpPort?: number
  /** HTTPS port for the app; 8443 by default, 0 for any free port. */
  httpsPort?: number
  /** WebSocket port for libp2p; 9090 by default, 0 for any free port. */
  wsPort?: number
  /** Secure WebSocket port for libp2p; 9443 by default, 0 for any free port. */
  wssPort?: number
  /** Serve HTTPS and WSS; true by default. */
  tls?: boolean
  /** Operator-provided PEM certificate and key; a self-signed pair is generated when omitted. */
  certFile?: string
  keyFile?: string
  /** Extra multiaddrs to announce (e.g. a public DNS name in front of the relay). */
  announce?: string[]
  /** Other relays to list in `/relay.json`, multiaddrs ending in `/p2p/<peer id>`. */
  peerRelays?: string[]
  /** STUN servers the app may use for WebRTC (`stun:host:port`); none by default. */
  stunServers?: string[]
  /** Find other relays on the LAN by mDNS; on by default unless listening on loopback only. */
  mdns?: boolean
  /** Where the relay keeps its key and generated certificate. */
  dataDir?: string
  /** Folder of the built PWA. */
  webRoot?: string
  /** Maximum circuit relay reservations held at once. */
  maxReservations?: number
  /** Maximum libp2p connections. */
  maxConnections?: number
  /** Maximum libp2p connections from one IP address. */
  maxConnectionsPerIp?: number
  /** Rendezvous table limits. */
  rendezvous?: Partial<RendezvousLimits>
  /** Bytes one relayed connection may carry (WebRTC signalling needs a few KB). */
  relayDataLimit?: number
  /** How long one relayed connection may stay open, ms. */
  relayDurationLimitMs?: number
  /** Structured log sink; one JSON line per event on stdout by default. */
  log?: LogFn
}

/** What `/relay.json` answers: how the app reaches this relay, and which others it may use. */
export interface RelayInfo {
  peerId: string
  wsPort: number
  /** null when TLS is off. */
  wssPort: number | null
  multiaddrs: string[]
  /** Other relays (configured or found on the LAN). */
  relays: RelayEntry[]
  /** STUN servers the app may use for WebRTC; usually none. */
  stunServers: string[]
}

/** The ports actually bound (differs from the options when those were 0). */
export interface RelayPorts {
  http: number
  https: number | null
  ws: number
  wss: number | null
}

type RelayNode = Libp2p<{ identify: Identify, relay: CircuitRelayService, mdns?: PeerDiscovery }>

export class Relay {
  readonly rendezvous: RendezvousServer
  readonly limits: LimitLog
  private node: RelayNode | undefined
  private http: Server | undefined
  private https: Server | undefined
  private certificate: TlsCertificate | undefined
  private directory: RelayDirectory | undefined
  private relayed: RelayedBytes | undefined
  private libp2pPorts = { ws: 0, wss: null as number | null }
  private startedAt = 0
  private readonly log: LogFn

  constructor (private readonly init: RelayInit = {}) {
    this.log = init.log ?? jsonLog
    this.limits = new LimitLog(this.log)
    // Rendezvous refusals are counted with the others: its log events ending in `.limit` are limit hits.
    const rendezvousLog: LogFn = (event, fields = {}) => {
      if (event.endsWith('.limit') && typeof fields.limit === 'string') {
        const { limit, ...rest } = fields
        this.limits.hit(event, limit, rest)
      } else {
        this.log(event, fields)
      }
    }
    this.rendezvous = new RendezvousServer({ ...DEFAULT_RENDEZVOUS_LIMITS, ...init.rendezvous }, rendezvousLog)
  }

  async start (): Promise<void> {
    const host = this.init.host ?? DEFAULT_HOST
    const dataDir = this.init.dataDir ?? DEFAULT_DATA_DIR
    const announce = this.init.announce ?? []
    const tls = this.init.tls ?? true
    const privateKey = await loadOrCreateKey(join(dataDir, 'libp2p.key'))
    if (tls) this.certificate = await this.loadCertificate(dataDir, host, announce)

    const maxReservations = this.init.maxReservations ?? DEFAULT_MAX_RESERVATIONS
    const maxConnections = this.init.maxConnections ?? DEFAULT_MAX_CONNECTIONS
    const ip = host.includes(':') ? 'ip6' : 'ip4'
    const listenAddrs = [`/${ip}/${host}/tcp/${this.init.wsPort ?? DEFAULT_WS_PORT}/ws`]
    if (tls) listenAddrs.push(`/${ip}/${host}/tcp/${this.init.wssPort ?? DEFAULT_WSS_PORT}/tls/ws`)
    const useMdns = this.init.mdns ?? !isLoopback(host)

    const node: RelayNode = await createLibp2p({
      privateKey,
      start: false,
      addresses: { listen: listenAddrs, appendAnnounce: announce },
      transports: [webSockets(this.certificate === undefined ? {} : { https: { cert: this.certificate.cert, key: this.certificate.key } })],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      // libp2p's own cap sits above the gater's, so the gater (which logs) is the one that refuses.
      // libp2p's default of 5 new connections a second from one address is too tight for a LAN
      // where a classroom's devices come through one NAT, or a test machine's through loopback.
      connectionManager: { maxConnections: maxConnections + 16, inboundConnectionThreshold: NEW_CONNECTIONS_PER_SECOND_PER_IP },
      connectionGater: limitsGater({
        maxConnections,
        maxConnectionsPerIp: this.init.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP,
        maxReservations
      }, {
        connections: () => this.node?.getConnections() ?? [],
        reservations: () => this.node?.services.relay.reservations,
        limits: this.limits
      }),
      services: {
        identify: identify(),
        relay: circuitRelayServer({
          reservations: {
            // The gater refuses first and logs; this is the library's own backstop.
            maxReservations,
            ...(this.init.relayDataLimit !== undefined ? { defaultDataLimit: BigInt(this.init.relayDataLimit) } : {}),
            ...(this.init.relayDurationLimitMs !== undefined ? { defaultDurationLimit: this.init.relayDurationLimitMs } : {})
          }
        }),
        ...(useMdns ? { mdns: mdns({ serviceTag: MDNS_SERVICE_TAG, interval: MDNS_INTERVAL_MS }) } : {})
      }
    })
    this.node = node
    node.addEventListener('transport:listening', event => { this.notePorts(event.detail) })
    await node.start()
    this.relayed = new RelayedBytes(node.services.relay)
    await node.handle(RENDEZVOUS_PROTOCOL, this.rendezvous.handle, { maxInboundStreams: 8 })
    node.addEventListener('peer:disconnect', event => {
      this.rendezvous.forgetPeer(event.detail.toString())
    })
    const directory = this.directory = new RelayDirectory(this.init.peerRelays ?? [], node.peerId.toString())
    node.services.mdns?.addEventListener('peer', event => {
      if (directory.discover(event.detail)) {
        this.log('relay.discovered', { peerId: event.detail.id.toString(), multiaddrs: event.detail.multiaddrs.map(String) })
      }
    })

    const app: HttpServerInit = {
      webRoot: this.init.webRoot ?? DEFAULT_WEB_ROOT,
      relayInfo: () => this.info(),
      health: () => this.health(),
      metrics: () => this.metrics()
    }
    this.http = await listen(createHttpServer(app), this.init.httpPort ?? DEFAULT_HTTP_PORT, host)
    if (this.certificate !== undefined) {
      this.https = await listen(createHttpsServer(app, this.certificate), this.init.httpsPort ?? DEFAULT_HTTPS_PORT, host)
    }
    this.startedAt = Date.now()
    this.log('relay.started', {
      peerId: node.peerId.toString(),
      http: this.httpUrl,
      https: this.httpsUrl,
      ports: this.ports(),
      multiaddrs: this.info().multiaddrs,
      tls: this.certificate === undefined
        ? null
        : { fingerprint256: this.certificate.fingerprint256, source: this.certificate.source, validTo: this.certificate.validTo.toISOString() },
      mdns: useMdns,
      limits: { maxReservations, maxConnections, maxConnectionsPerIp: this.init.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP }
    })
  }

  /** Stops accepting, closes every connection, and stops the libp2p node. */
  async stop (): Promise<void> {
    const servers = [this.http, this.https]
    this.http = this.https = undefined
    await Promise.all(servers.map(async server => {
      if (server === undefined) return
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }))
    await this.node?.stop()
    this.node = undefined
    this.log('relay.stopped')
  }

  /** The app's URL over plain HTTP. */
  get httpUrl (): string {
    return url('http', this.http)
  }

  /** The app's URL over HTTPS, or null when TLS is off. */
  get httpsUrl (): string | null {
    return this.https === undefined ? null : url('https', this.https)
  }

  /** The certificate in use, when TLS is on. */
  get tlsCertificate (): TlsCertificate | undefined {
    return this.certificate
  }

  ports (): RelayPorts {
    return { http: portOf(this.http), https: this.https === undefined ? null : portOf(this.https), ...this.libp2pPorts }
  }

  info (): RelayInfo {
    const node = this.started()
    return {
      peerId: node.peerId.toString(),
      wsPort: this.libp2pPorts.ws,
      wssPort: this.libp2pPorts.wss,
      multiaddrs: node.getMultiaddrs().map(a => a.toString()),
      relays: this.directory?.list() ?? [],
      stunServers: this.init.stunServers ?? []
    }
  }

  health (): Record<string, unknown> {
    const node = this.started()
    return {
      ok: true,
      peerId: node.peerId.toString(),
      connections: node.getConnections().length,
      reservations: node.services.relay.reservations.size,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000)
    }
  }

  metrics (): string {
    const node = this.started()
    return renderMetrics({
      connections: node.getConnections().length,
      peers: node.getPeers().length,
      reservations: node.services.relay.reservations.size,
      maxReservations: this.init.maxReservations ?? DEFAULT_MAX_RESERVATIONS,
      maxConnections: this.init.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      relayedBytes: this.relayed?.tracking === true ? this.relayed.bytes : undefined,
      relayedCircuits: this.relayed?.tracking === true ? this.relayed.circuits : undefined,
      rendezvousRegistrations: this.rendezvous.registrations,
      rendezvousNamespaces: this.rendezvous.namespaceCount,
      discoveredRelays: this.directory?.list().length ?? 0,
      limitHits: this.limits.hits,
      uptimeSeconds: (Date.now() - this.startedAt) / 1000,
      residentMemoryBytes: process.memoryUsage.rss()
    })
  }

  private started (): RelayNode {
    if (this.node === undefined) throw new NotStartedError()
    return this.node
  }

  private async loadCertificate (dataDir: string, host: string, announce: string[]): Promise<TlsCertificate> {
    if (this.init.certFile !== undefined && this.init.keyFile !== undefined) {
      return await loadCertificateFiles(this.init.certFile, this.init.keyFile)
    }
    const announced = announce.flatMap(a => multiaddr(a).getComponents()
      .filter(c => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(c.name)).map(c => c.value ?? ''))
    const certificate = await loadOrCreateCertificate(dataDir, lanNames([host, ...announced]))
    if (certificate.source === 'generated') {
      this.log('tls.certificate_generated', { reason: certificate.reason, fingerprint256: certificate.fingerprint256 })
    }
    return certificate
  }

  /** Learns the bound WS/WSS ports from the listeners (the options may say 0). */
  private notePorts (listener: Listener): void {
    for (const addr of listener.getAddrs()) {
      const names = addr.getComponents().map(c => c.name)
      const port = Number(addr.getComponents().find(c => c.name === 'tcp')?.value ?? 0)
      if (port === 0 || !names.includes('ws')) continue
      if (names.includes('tls')) this.libp2pPorts.wss = port
      else this.libp2pPorts.ws = port
    }
  }
}

async function listen (server: Server, port: number, host: string): Promise<Server> {
  server.listen(port, host)
  await once(server, 'listening')
  return server
}

function portOf (server: Server | undefined): number {
  const address = server?.address()
  if (address == null || typeof address === 'string') throw new NotStartedError()
  return address.port
}

function url (scheme: 'http' | 'https', server: Server | undefined): string {
  const address = server?.address()
  if (address == null || typeof address === 'string') throw new NotStartedError()
  // A wildcard or loopback address is reachable as localhost from this machine.
  const local = isLoopback(address.address) || address.address === '0.0.0.0' || address.address === '::'
  const host = local ? 'localhost' : address.address.includes(':') ? `[${address.address}]` : address.address
  return `${scheme}://${host}:${address.port}/`
}

function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}

function jsonLog (event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }))
}
