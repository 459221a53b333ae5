/**
 * `npm start` / `npm run relay`: starts the relay and prints where to open the app.
 */
import { parseArgs } from 'node:util'
import { Relay } from './relay.js'

const HELP = `Usage: npm run relay -- [options]

Serves the messenger app and the libp2p relay that lets browsers find each other.

Options:
  --host <addr>        interface to listen on (default 127.0.0.1; 0.0.0.0 for a LAN)
  --port <n>           HTTP port for the app (default 8080)
  --ws-port <n>        WebSocket port for libp2p (default 9090)
  --data-dir <dir>     where the relay keeps its key (default .data/relay)
  --web-root <dir>     folder of the built app (default dist/web)
  --max-reservations <n>  circuit relay reservations held at once (default 1000)
  -h, --help           show this help
`

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    'ws-port': { type: 'string', default: '9090' },
    'data-dir': { type: 'string', default: '.data/relay' },
    'web-root': { type: 'string', default: 'dist/web' },
    'max-reservations': { type: 'string', default: '1000' },
    help: { type: 'boolean', short: 'h', default: false }
  }
})

if (values.help) {
  process.stdout.write(HELP)
  process.exit(0)
}

const relay = new Relay({
  host: values.host,
  httpPort: port(values.port, '--port'),
  wsPort: port(values['ws-port'], '--ws-port'),
  dataDir: values['data-dir'],
  webRoot: values['web-root'],
  maxReservations: Number(values['max-reservations'])
})

await relay.start()
process.stdout.write(`\nMeshchat relay is running.\n  Open the app:  ${relay.httpUrl}\n  Relay address: ${relay.info().multiaddrs.join('\n                 ')}\n\n`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void relay.stop().then(() => process.exit(0))
  })
}

function port (value: string, name: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`${name} must be a port number (0-65535), got "${value}"\n`)
    process.exit(2)
  }
  return n
}
