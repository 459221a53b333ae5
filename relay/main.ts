/**
 * `npm start` / `npm run relay`: starts the relay, prints where to open the app and the
 * certificate's fingerprint, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { SHUTDOWN_TIMEOUT_MS } from './constants.js'
import { HELP, parseRelayArgs } from './cli-options.js'
import { lanNames } from './lan-names.js'
import { Relay } from './relay.js'

let parsed
try {
  parsed = parseRelayArgs(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`${(err as Error).message}\nSee --help for the options.\n`)
  process.exit(2)
}
if (parsed.help) {
  process.stdout.write(HELP)
  process.exit(0)
}

const relay = new Relay(parsed.init)
try {
  await relay.start()
} catch (err) {
  process.stderr.write(`The relay could not start: ${(err as Error).message}\n`)
  process.exit(1)
}
process.stdout.write(banner(relay, parsed.init.host ?? ''))

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second signal, or a shutdown that hangs, ends the process anyway.
    if (stopping) process.exit(1)
    stopping = true
    console.log(JSON.stringify({ time: new Date().toISOString(), event: 'relay.stopping', signal }))
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref()
    void relay.stop().then(() => process.exit(0), () => process.exit(1))
  })
}

function banner (relay: Relay, host: string): string {
  const ports = relay.ports()
  const lines = ['', 'Meshchat relay is running.', `  Open the app:  ${relay.httpUrl}`]
  if (ports.https !== null) lines.push(`                 ${relay.httpsUrl ?? ''}`)
  if (ports.https !== null && (host === '0.0.0.0' || host === '::')) {
    // Listening on every interface: show the addresses other machines on the LAN can use.
    const names = lanNames()
    const others = [...names.dns.filter(n => n !== 'localhost' && n.endsWith('.local')),
      ...names.ips.filter(ip => !ip.includes(':') && !ip.startsWith('127.'))]
    for (const name of others) lines.push(`  On the LAN:    https://${name}:${ports.https}/`)
  }
  const certificate = relay.tlsCertificate
  if (certificate !== undefined) {
    lines.push(`  Certificate SHA-256 fingerprint (${certificate.source}):`, `    ${certificate.fingerprint256}`)
  }
  lines.push(`  Relay address: ${relay.info().multiaddrs.join('\n                 ')}`, '', '')
  return lines.join('\n')
}
