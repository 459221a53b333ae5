/**
 * Starts the real relay as a child process, as a user would, on free ports and a fresh data dir;
 * and restarts it on the same data dir and ports.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** The ports a relay bound; `null` for the TLS ones when it runs with `--no-tls`. */
export interface RelayPorts {
  http: number
  https: number | null
  ws: number
  wss: number | null
}

export interface RelayProcess {
  readonly process: ChildProcess
  readonly dataDir: string
  readonly httpUrl: string
  /** The app over HTTPS, or null with `--no-tls`. */
  readonly httpsUrl: string | null
  readonly ports: RelayPorts
  /** Plain WebSocket addresses: what a Node peer dials without trusting the certificate. */
  readonly multiaddrs: string[]
  /** Secure WebSocket (`/tls/ws`) addresses. */
  readonly secureMultiaddrs: string[]
  readonly peerId: string
  /** The certificate's SHA-256 fingerprint and where it came from, from the start log line. */
  readonly tls: { fingerprint256: string, source: string } | null
  /** Structured log lines seen so far. */
  readonly logs: Array<Record<string, unknown>>
  /** Other stdout lines seen so far (the human banner). */
  readonly output: string[]
  stop(): Promise<void>
  /** Stops this relay and starts it again on the same data dir, ports and arguments. */
  restart(): Promise<RelayProcess>
}

export interface RelayProcessOptions {
  /** Reuse this data dir (a fresh temporary one by default). */
  dataDir?: string
  /** Bind these ports (0, any free port, for each by default). */
  ports?: Partial<RelayPorts>
}

export async function startRelayProcess (args: string[] = [], dataDirOrOptions?: string | RelayProcessOptions): Promise<RelayProcess> {
  const options = typeof dataDirOrOptions === 'string' ? { dataDir: dataDirOrOptions } : dataDirOrOptions ?? {}
  const dir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'meshchat-relay-'))
  const ports = options.ports ?? {}
  const portArgs = [
    '--port', String(ports.http ?? 0),
    '--https-port', String(ports.https ?? 0),
    '--ws-port', String(ports.ws ?? 0),
    '--wss-port', String(ports.wss ?? 0)
  ]
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['relay/main.ts', ...portArgs, '--data-dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const logs: Array<Record<string, unknown>> = []
  const output: string[] = []
  let banner: () => void = () => {}
  const bannerShown = new Promise<void>(resolve => { banner = resolve })
  const started = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', code => { reject(new Error(`relay exited with code ${code}`)) })
    createInterface({ input: child.stdout! }).on('line', line => {
      if (!line.startsWith('{')) {
        output.push(line)
        // The banner ends with the relay's addresses; tests read the fingerprint from it.
        if (line.includes('Relay address:')) banner()
        return
      }
      const entry = JSON.parse(line) as Record<string, unknown>
      logs.push(entry)
      if (entry.event === 'relay.started') resolve(entry)
    })
  })
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const entry = await started.finally(() => { clearTimeout(timeout) })
  await Promise.race([bannerShown, new Promise(resolve => setTimeout(resolve, 2_000))])
  const bound = entry.ports as RelayPorts
  const relay: RelayProcess = {
    process: child,
    dataDir: dir,
    httpUrl: entry.http as string,
    httpsUrl: entry.https as string | null,
    ports: bound,
    multiaddrs: (entry.multiaddrs as string[]).filter(a => !a.includes('/tls/')),
    secureMultiaddrs: (entry.multiaddrs as string[]).filter(a => a.includes('/tls/')),
    peerId: entry.peerId as string,
    tls: entry.tls as RelayProcess['tls'],
    logs,
    output,
    async stop () {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
    async restart () {
      await relay.stop()
      return await startRelayProcess(args, { dataDir: dir, ports: bound })
    }
  }
  return relay
}
