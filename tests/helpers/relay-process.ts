/**
 * Starts the real relay as a child process, as a user would, on free ports and a fresh data dir.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export interface RelayProcess {
  readonly process: ChildProcess
  readonly httpUrl: string
  readonly multiaddrs: string[]
  readonly peerId: string
  /** Structured log lines seen so far. */
  readonly logs: Array<Record<string, unknown>>
  stop(): Promise<void>
}

export async function startRelayProcess (args: string[] = [], dataDir?: string): Promise<RelayProcess> {
  const dir = dataDir ?? await mkdtemp(join(tmpdir(), 'meshchat-relay-'))
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['relay/main.ts', '--port', '0', '--ws-port', '0', '--data-dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const logs: Array<Record<string, unknown>> = []
  const started = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', code => { reject(new Error(`relay exited with code ${code}`)) })
    createInterface({ input: child.stdout! }).on('line', line => {
      if (!line.startsWith('{')) return
      const entry = JSON.parse(line) as Record<string, unknown>
      logs.push(entry)
      if (entry.event === 'relay.started') resolve(entry)
    })
  })
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const entry = await started.finally(() => { clearTimeout(timeout) })
  return {
    process: child,
    httpUrl: entry.http as string,
    multiaddrs: entry.multiaddrs as string[],
    peerId: entry.peerId as string,
    logs,
    async stop () {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}
