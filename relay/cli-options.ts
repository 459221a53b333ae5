/**
 * The relay's command line: `--help` text and the parser that turns arguments into `RelayInit`.
 */
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import {
  DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_HTTPS_PORT, DEFAULT_HTTP_PORT, DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_IP, DEFAULT_MAX_RESERVATIONS, DEFAULT_WEB_ROOT, DEFAULT_WSS_PORT, DEFAULT_WS_PORT
} from './constants.js'
import { UsageError } from './errors.js'
import type { RelayInit } from './relay.js'
import { DEFAULT_RENDEZVOUS_LIMITS } from './rendezvous-server.js'

export const HELP = `Usage: npm run relay -- [options]

Serves the messenger app and the libp2p relay that lets browsers find each other.
With no options: http://localhost:${DEFAULT_HTTP_PORT}/ and https://localhost:${DEFAULT_HTTPS_PORT}/, this machine only.

Network:
  --host <addr>              interface to listen on (default ${DEFAULT_HOST}; 0.0.0.0 for a LAN)
  --port <n>                 HTTP port for the app (default ${DEFAULT_HTTP_PORT}); alias --http-port
  --https-port <n>           HTTPS port for the app (default ${DEFAULT_HTTPS_PORT})
  --ws-port <n>              WebSocket port for libp2p (default ${DEFAULT_WS_PORT})
  --wss-port <n>             secure WebSocket port for libp2p (default ${DEFAULT_WSS_PORT})
                             a port of 0 means any free port
  --announce <multiaddr>     also announce this address (repeatable), e.g. /dns4/chat.example/tcp/443/tls/ws
  --peer-relay <multiaddr>   another relay the app may use, ending in /p2p/<id> (repeatable)
  --mdns, --no-mdns          find other relays on the LAN (default: on unless --host is loopback)
  --stun <url>               a STUN server the app's WebRTC may use, e.g. stun:stun.example.org:3478
                             (repeatable; default none). Members on one network need none; members
                             behind different NATs do, and the server learns their addresses.

TLS:
  --cert <file>              PEM certificate for HTTPS and WSS (with --key)
  --key <file>               PEM private key for --cert
                             without them a self-signed certificate for this machine's names and
                             addresses is generated once and kept in the data directory
  --no-tls                   serve plain HTTP and WS only

Storage:
  --data-dir <dir>           where the relay keeps its key and certificate (default ${DEFAULT_DATA_DIR})
  --web-root <dir>           folder of the built app (default ${DEFAULT_WEB_ROOT})

Limits (each refusal is logged as a "relay.limit" or "rendezvous.limit" line):
  --max-reservations <n>     circuit relay reservations held at once (default ${DEFAULT_MAX_RESERVATIONS})
  --max-connections <n>      libp2p connections held at once (default ${DEFAULT_MAX_CONNECTIONS})
  --max-connections-per-ip <n>  libp2p connections from one IP address (default ${DEFAULT_MAX_CONNECTIONS_PER_IP})
  --max-namespaces <n>       rendezvous namespaces (rooms) held at once (default ${DEFAULT_RENDEZVOUS_LIMITS.maxNamespaces})
  --max-registrations-per-namespace <n>
                             rendezvous registrations per namespace (default ${DEFAULT_RENDEZVOUS_LIMITS.maxPeersPerNamespace})
  --max-namespaces-per-peer <n>  namespaces one peer may register under (default ${DEFAULT_RENDEZVOUS_LIMITS.maxNamespacesPerPeer})
  --relay-data-limit <bytes> bytes one relayed connection may carry (default 131072)
  --relay-duration-limit <s> seconds one relayed connection may stay open (default 120)

  -h, --help                 show this help

Endpoints: / (the app), /relay.json, /health, /metrics (Prometheus text).
`

export interface ParsedArgs {
  help: boolean
  init: RelayInit
}

/** Parses `argv` (without the node and script paths); throws `UsageError` for anything invalid. */
export function parseRelayArgs (argv: string[]): ParsedArgs {
  let values
  try {
    values = parseArgs({
      args: argv,
      allowNegative: true,
      options: {
        host: { type: 'string', default: DEFAULT_HOST },
        port: { type: 'string' },
        'http-port': { type: 'string' },
        'https-port': { type: 'string', default: String(DEFAULT_HTTPS_PORT) },
        'ws-port': { type: 'string', default: String(DEFAULT_WS_PORT) },
        'wss-port': { type: 'string', default: String(DEFAULT_WSS_PORT) },
        announce: { type: 'string', multiple: true, default: [] },
        'peer-relay': { type: 'string', multiple: true, default: [] },
        stun: { type: 'string', multiple: true, default: [] },
        mdns: { type: 'boolean' },
        tls: { type: 'boolean', default: true },
        cert: { type: 'string' },
        key: { type: 'string' },
        'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
        'web-root': { type: 'string', default: DEFAULT_WEB_ROOT },
        'max-reservations': { type: 'string', default: String(DEFAULT_MAX_RESERVATIONS) },
        'max-connections': { type: 'string', default: String(DEFAULT_MAX_CONNECTIONS) },
        'max-connections-per-ip': { type: 'string', default: String(DEFAULT_MAX_CONNECTIONS_PER_IP) },
        'max-namespaces': { type: 'string', default: String(DEFAULT_RENDEZVOUS_LIMITS.maxNamespaces) },
        'max-registrations-per-namespace': { type: 'string', default: String(DEFAULT_RENDEZVOUS_LIMITS.maxPeersPerNamespace) },
        'max-namespaces-per-peer': { type: 'string', default: String(DEFAULT_RENDEZVOUS_LIMITS.maxNamespacesPerPeer) },
        'relay-data-limit': { type: 'string' },
        'relay-duration-limit': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }).values
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (values.help) return { help: true, init: {} }

  if ((values.cert === undefined) !== (values.key === undefined)) {
    throw new UsageError('--cert and --key go together')
  }
  for (const [name, list] of [['--announce', values.announce], ['--peer-relay', values['peer-relay']]] as const) {
    for (const text of list) {
      let ok = false
      try {
        const addr = multiaddr(text)
        ok = name === '--announce' || addr.getComponents().some(c => c.name === 'p2p')
      } catch {}
      if (!ok) throw new UsageError(`${name} expects a multiaddr${name === '--peer-relay' ? ' ending in /p2p/<peer id>' : ''}, got "${text}"`)
    }
  }
  for (const url of values.stun) {
    if (!/^stuns?:[^\s/?#]+$/.test(url)) throw new UsageError(`--stun expects a URL such as stun:stun.example.org:3478, got "${url}"`)
  }
  const duration = values['relay-duration-limit']
  return {
    help: false,
    init: {
      host: values.host,
      httpPort: port(values.port ?? values['http-port'] ?? String(DEFAULT_HTTP_PORT), '--port'),
      httpsPort: port(values['https-port'], '--https-port'),
      wsPort: port(values['ws-port'], '--ws-port'),
      wssPort: port(values['wss-port'], '--wss-port'),
      tls: values.tls,
      certFile: values.cert,
      keyFile: values.key,
      announce: values.announce,
      peerRelays: values['peer-relay'],
      stunServers: values.stun,
      mdns: values.mdns,
      dataDir: values['data-dir'],
      webRoot: values['web-root'],
      maxReservations: count(values['max-reservations'], '--max-reservations'),
      maxConnections: count(values['max-connections'], '--max-connections'),
      maxConnectionsPerIp: count(values['max-connections-per-ip'], '--max-connections-per-ip'),
      rendezvous: {
        maxNamespaces: count(values['max-namespaces'], '--max-namespaces'),
        maxPeersPerNamespace: count(values['max-registrations-per-namespace'], '--max-registrations-per-namespace'),
        maxNamespacesPerPeer: count(values['max-namespaces-per-peer'], '--max-namespaces-per-peer')
      },
      relayDataLimit: values['relay-data-limit'] === undefined ? undefined : count(values['relay-data-limit'], '--relay-data-limit'),
      relayDurationLimitMs: duration === undefined ? undefined : count(duration, '--relay-duration-limit') * 1000
    }
  }
}

function port (value: string, name: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`${name} must be a port number (0-65535), got "${value}"`)
  }
  return n
}

function count (value: string, name: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${name} must be a whole number of at least 1, got "${value}"`)
  }
  return n
}
