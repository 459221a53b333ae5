/**
 * A child process that runs several room members, either real mesh members (libp2p over WebRTC
 * through the relay, the project's Client and Room) or baseline members (WebSocket broadcast).
 * The parent drives it over IPC (see lib/procs.ts). Every benchmark message carries its send
 * time in its text: `b|<phase>|<sender>|<n>|<ms>`; a receiver subtracts it from its own clock.
 */
import { Client } from '../src/client/client.js'
import { loadCrypto } from '../src/crypto/lazy-crypto.js'
import { createIdentity } from '../src/identity/identity.js'
import { createMeshNode } from '../src/net/libp2p-node.js'
import type { MeshNode } from '../src/net/libp2p-node.js'
import { Libp2pTransport } from '../src/net/libp2p-transport.js'
import type { Room } from '../src/room/room.js'
import { parseRoomCode } from '../src/room/room-code.js'
import { BaselineMember } from './baseline/client.js'
import { MemoryStore } from '../src/store/memory-store.js'
import { serveWorker } from './lib/procs.js'
import { nowMs, pollUntil, sleep } from './lib/util.js'

interface Member {
  readonly name: string
  send(text: string): Promise<void>
  peerCount(): number
  stop(): Promise<void>
}

interface InitArgs {
  mode: 'mesh' | 'baseline'
  relays?: string[]
  baselineUrl?: string
  code: string
  names: string[]
  /** Answer `join-hello` messages (the member a joiner meets). */
  autoReply?: boolean
}

const members: Member[] = []
const received = new Map<string, number[]>()
let sendErrors = 0
/** Node starts that failed and were retried (relay connection refused in a burst). */
let retries = 0
let nextN = 0

function onText (text: string, reply?: (text: string) => void): void {
  const now = nowMs()
  if (text.startsWith('b|')) {
    const parts = text.split('|')
    const phase = parts[1]
    let list = received.get(phase)
    if (list === undefined) received.set(phase, list = [])
    list.push(now - Number(parts[4]))
  } else if (text.startsWith('join-hello|') && reply !== undefined) {
    // The hello's stamp goes back too: history sync also brings earlier joiners' replies along.
    reply(`join-reply|${now - Number(text.split('|')[1])}|${text.split('|')[1]}`)
  }
}

async function startMesh (name: string, relays: string[], code: string, autoReply: boolean,
  onReceived: (text: string, room: Room) => void = (text, room) => { onText(text, autoReply ? t => { void room.send(t) } : undefined) }
): Promise<Member & { node: MeshNode, room: Room }> {
  const node = await createNodeWithRetry(relays)
  const transport = new Libp2pTransport(node, relays)
  const client = await Client.open({ store: new MemoryStore() })
  await client.setDisplayName(name)
  client.attachTransport(transport)
  const room = await client.joinRoom(code)
  room.on('message', m => { if (m.state === 'received') onReceived(m.text, room) })
  return {
    name,
    node,
    room,
    async send (text) { await room.send(text) },
    peerCount: () => room.peerCount,
    async stop () {
      await client.close().catch(() => {})
      transport.stop()
      await Promise.resolve(node.stop()).catch(() => {})
    }
  }
}

/**
 * When a whole room starts at once, the relay turns away or does not answer some connections in
 * time, and then the start fails; a member that starts in such a burst retries, patiently (a
 * 50-member room gave up after 6 tries). A refused reservation does not fail the start: the node
 * asks again on its own.
 */
async function createNodeWithRetry (relays: string[]): Promise<MeshNode> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createMeshNode({ relays })
    } catch (err) {
      retries++
      if (attempt >= 12) throw err
      await sleep(Math.min(500 * attempt, 4_000) + Math.random() * 1_000)
    }
  }
}

async function startBaseline (name: string, url: string, code: string, autoReply: boolean): Promise<Member> {
  await loadCrypto()
  const member: BaselineMember = new BaselineMember(url, createIdentity(), parseRoomCode(code), name, text => {
    onText(text, autoReply ? t => { void member.send(t) } : undefined)
  })
  await member.connect()
  return {
    name,
    async send (text) { await member.send(text) },
    peerCount: () => -1,
    async stop () { member.close() }
  }
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function pool<T> (items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length > 0) await fn(queue.shift()!)
  }))
}

function stamp (phase: string, name: string): string {
  return `b|${phase}|${name}|${nextN++}|${nowMs()}`
}

serveWorker({
  async init (args: InitArgs) {
    await pool(args.names, args.mode === 'mesh' ? 2 : 8, async name => {
      const member = args.mode === 'mesh'
        ? await startMesh(name, args.relays!, args.code, args.autoReply === true)
        : await startBaseline(name, args.baselineUrl!, args.code, args.autoReply === true)
      members.push(member)
    })
    return { members: members.length, retries }
  },

  async peers () {
    return members.map(m => m.peerCount())
  },

  /** Sends one message from the member at `index` (of this worker). */
  async sendOne ({ phase, index }: { phase: string, index: number }) {
    const member = members[index % members.length]
    member.send(stamp(phase, member.name)).catch(() => { sendErrors++ })
    return true
  },

  /** Sends at `perSecond` for `durationMs`, round robin over this worker's members. */
  async rate ({ phase, perSecond, durationMs }: { phase: string, perSecond: number, durationMs: number }) {
    const start = nowMs()
    let sent = 0
    let turn = 0
    const total = Math.round(perSecond * durationMs / 1000)
    while (sent < total && nowMs() - start < durationMs + 2_000) {
      const due = Math.min(total, Math.floor((nowMs() - start) * perSecond / 1000) + 1)
      while (sent < due) {
        const member = members[turn++ % members.length]
        member.send(stamp(phase, member.name)).catch(() => { sendErrors++ })
        sent++
      }
      await sleep(5)
    }
    return { sent, elapsedMs: nowMs() - start }
  },

  async collect ({ phase }: { phase: string }) {
    const latencies = received.get(phase) ?? []
    return { received: latencies.length, latencies, sendErrors }
  },

  async forget ({ phase }: { phase: string }) {
    received.delete(phase)
    return true
  },

  /**
   * One join, timed: a fresh member from creating its node to the first message exchanged with
   * a member already in the room (which answers `join-hello` with `join-reply|<one-way ms>`).
   */
  async join ({ relays, code, name, timeoutMs }: { relays: string[], code: string, name: string, timeoutMs: number }) {
    const t0 = nowMs()
    let replyAt = 0
    let oneWay = Number.NaN
    const joiner = await startMesh(name, relays, code, false, text => {
      if (text.startsWith('join-reply|') && text.endsWith(`|${t0}`) && replyAt === 0) {
        replyAt = nowMs()
        oneWay = Number(text.split('|')[1])
      }
    })
    const nodeReady = nowMs() - t0
    let firstPeer = 0
    joiner.room.on('peers', count => { if (count > 0 && firstPeer === 0) firstPeer = nowMs() - t0 })
    const reservation = pollUntil(() => joiner.node.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit')), timeoutMs, 10)
      .then(ok => ok ? nowMs() - t0 : null)
    await joiner.send(`join-hello|${t0}`)
    const ok = await pollUntil(() => replyAt > 0, timeoutMs, 5)
    const result = {
      ok,
      nodeReadyMs: nodeReady,
      reservationMs: await reservation,
      firstPeerMs: firstPeer === 0 ? null : firstPeer,
      firstDeliveredMs: ok ? oneWay : null,
      exchangedMs: ok ? replyAt - t0 : null
    }
    await joiner.stop()
    return result
  }
}, async () => {
  await Promise.all(members.map(async m => { await m.stop().catch(() => {}) }))
})
