/**
 * Every process the benchmark starts goes through here, so all of them are stopped at the end,
 * on success, on failure and on Ctrl-C.
 */
import { fork, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { withTimeout } from './util.js'

const children = new Set<ChildProcess>()

function track (child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => { children.delete(child) })
  return child
}

/** Stops one child: SIGTERM, then SIGKILL after a grace period. */
export async function stopChild (child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => { child.kill('SIGKILL') }, graceMs)
  await exited
  clearTimeout(timer)
}

export async function stopAll (): Promise<void> {
  await Promise.all([...children].map(async child => { await stopChild(child) }))
}

/** Last resort on exit: nothing the benchmark started outlives it. */
export function killAllNow (): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

/** Runs a TypeScript file in a fresh Node (the one running us) with tsx as the loader. */
export function spawnTs (file: string, args: string[], stdio: 'pipe' | 'inherit' = 'pipe'): ChildProcess {
  return track(spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    stdio: ['ignore', stdio, 'inherit']
  }))
}

export interface Worker {
  readonly child: ChildProcess
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>
  stop(): Promise<void>
}

/** Forks a worker script that answers `{ id, cmd, args }` with `{ id, ok, result | error }`. */
export function forkWorker (file: string, timeoutMs = 60_000): Worker {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each worker there, to see where time goes.
  const profile = process.env.BENCH_CPU_PROF !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  // BENCH_NODE_ARGS="<flags>" passes more flags to each worker's Node, e.g. "--trace-gc".
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(flag => flag !== '') ?? []
  const child = track(fork(file, [], { execArgv: ['--import', 'tsx', ...profile, ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }))
  let next = 0
  const pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>()
  child.on('message', (raw: unknown) => {
    const msg = raw as { id: number, ok: boolean, result?: unknown, error?: string }
    const waiter = pending.get(msg.id)
    if (waiter === undefined) return
    pending.delete(msg.id)
    if (msg.ok) waiter.resolve(msg.result)
    else waiter.reject(new Error(msg.error))
  })
  child.once('exit', code => {
    for (const waiter of pending.values()) waiter.reject(new Error(`worker ${file} exited (${code})`))
    pending.clear()
  })
  return {
    child,
    async call<T>(cmd: string, args?: unknown, ms = timeoutMs): Promise<T> {
      const id = next++
      const reply = new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      })
      child.send({ id, cmd, args })
      return await withTimeout(reply, ms, `${file} ${cmd}`).finally(() => { pending.delete(id) })
    },
    async stop () {
      if (child.connected) {
        try {
          child.send({ id: -1, cmd: 'exit' })
        } catch {}
      }
      const exited = child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise(resolve => child.once('exit', resolve))
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 8_000)
      await exited
      clearTimeout(timer)
    }
  }
}

/** The worker side of `forkWorker`. */
export function serveWorker (handlers: Record<string, (args: any) => Promise<unknown>>, onExit: () => Promise<void>): void {
  process.on('message', (raw: unknown) => {
    const { id, cmd, args } = raw as { id: number, cmd: string, args: unknown }
    if (cmd === 'exit') {
      void withTimeout(onExit(), 6_000, 'worker shutdown').catch(() => {}).finally(() => process.exit(0))
      return
    }
    const handler = handlers[cmd]
    if (handler === undefined) {
      process.send!({ id, ok: false, error: `unknown command ${cmd}` })
      return
    }
    handler(args).then(
      result => process.send!({ id, ok: true, result }),
      (err: Error) => process.send!({ id, ok: false, error: err.stack ?? err.message })
    )
  })
  process.on('disconnect', () => { void onExit().finally(() => process.exit(0)) })
  process.on('SIGTERM', () => { void withTimeout(onExit(), 2_000, 'worker shutdown').catch(() => {}).finally(() => process.exit(0)) })
}

export interface RelayHandle {
  readonly child: ChildProcess
  readonly pid: number
  readonly httpUrl: string
  readonly multiaddrs: string[]
  readonly peerId: string
  stop(): Promise<void>
}

/**
 * Starts the real relay (relay/main.ts) on free loopback ports. It runs in one Node process
 * (no tsx wrapper process), so its pid is the relay's own for /proc readings.
 */
export async function startRelay (webRoot = 'dist/web', extra: string[] = []): Promise<RelayHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'meshchat-bench-relay-'))
  const child = spawnTs('relay/main.ts', ['--host', '127.0.0.1', '--port', '0', '--ws-port', '0', '--no-tls', '--no-mdns',
    '--data-dir', dir, '--web-root', webRoot, ...extra])
  const started = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', code => { reject(new Error(`relay exited with code ${code}`)) })
    createInterface({ input: child.stdout! }).on('line', line => {
      if (!line.startsWith('{')) return
      try {
        const entry = JSON.parse(line) as Record<string, unknown>
        if (entry.event === 'relay.started') resolve(entry)
      } catch {}
    })
  })
  const entry = await withTimeout(started, 30_000, 'relay start').catch(async err => {
    await stopChild(child)
    throw err
  })
  return {
    child,
    pid: child.pid!,
    httpUrl: entry.http as string,
    multiaddrs: entry.multiaddrs as string[],
    peerId: entry.peerId as string,
    async stop () { await stopChild(child, 5_000) }
  }
}

/** Resident memory of a process, bytes (VmRSS). */
export async function rssBytes (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb * 1024
}

/** CPU time a process has used so far (user + system), seconds. */
export async function cpuSeconds (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return ticks / 100 // USER_HZ is 100 on Linux
}
