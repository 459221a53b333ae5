/**
 * The transports alone, without libp2p, gossipsub, crypto or the room: one process sends each
 * message to two others, over a WebRTC data channel (node-datachannel, what libp2p's WebRTC
 * transport runs on in Node, as the mesh members do here) or over a WebSocket (ws, as the
 * baseline's clients). The later of the two arrivals is what the last member of a room waits for.
 *
 * Measured twice: with receivers that do nothing with a message, and with receivers that keep
 * their thread busy for BUSY_MS after each one, as a bench worker hosting five members of a
 * 10-member room is while they check and decrypt it. On this 2-core machine the second case
 * shows what the latency runs cannot separate: how much one receiving process's work delays the
 * other's arrival, on each transport.
 */
import { forkWorker } from './lib/procs.js'
import type { Worker } from './lib/procs.js'
import { pollUntil, summarise } from './lib/util.js'
import type { LatencySummary } from './lib/util.js'

export type Transport = 'webrtc' | 'websocket'

export interface TransportRow {
  transport: Transport
  /** How long each receiver keeps its thread busy after a message, ms. */
  workMs: number
  /** The earlier of the two arrivals of each message, ms. */
  earlier: LatencySummary
  /** The later of the two arrivals of each message, ms. */
  later: LatencySummary
  /** Messages that did not reach both receivers. */
  missing: number
}

export interface TransportResult {
  messages: number
  bytes: number
  gapMs: number
  rows: TransportRow[]
}

/**
 * A bench worker's busy time per message in a 10-member room: five members at about 0.14 ms each
 * (from arrival to the app, with the message checked and decrypted), measured in a timeline of
 * one run of the latency measurement.
 */
const BUSY_MS = 0.7
/** About the size of a room's chat message on the wire. */
const MESSAGE_BYTES = 700
const GAP_MS = 10
const RECEIVERS = 2

export async function measureTransports (messages: number, log: (line: string) => void): Promise<TransportResult> {
  const rows: TransportRow[] = []
  for (const workMs of [0, BUSY_MS]) {
    for (const transport of ['webrtc', 'websocket'] as const) {
      rows.push(await measureOne(transport, workMs, messages))
      const row = rows[rows.length - 1]
      log(`  ${transport}, receivers busy ${workMs} ms: later arrival p50 ${row.later.p50} ms, p99 ${row.later.p99} ms`)
    }
  }
  return { messages, bytes: MESSAGE_BYTES, gapMs: GAP_MS, rows }
}

async function measureOne (transport: Transport, workMs: number, messages: number): Promise<TransportRow> {
  const sender = forkWorker('bench/transport-worker.ts')
  const receivers = Array.from({ length: RECEIVERS }, () => forkWorker('bench/transport-worker.ts'))
  try {
    await Promise.all(receivers.map(async r => await r.call('receiver', { workMs })))
    if (transport === 'webrtc') {
      for (const receiver of receivers) await connectWebRtc(sender, receiver)
    } else {
      const url = await sender.call<string>('listen')
      await Promise.all(receivers.map(async r => await r.call('connect', { url })))
      await pollUntil(async () => await sender.call<number>('receivers') === RECEIVERS, 10_000, 20)
    }
    await sender.call('send', { count: messages, gapMs: GAP_MS, bytes: MESSAGE_BYTES }, messages * GAP_MS * 3 + 30_000)
    const arrivals = async (): Promise<Array<Map<number, number>>> =>
      (await Promise.all(receivers.map(async r => await r.call<Array<[number, number]>>('collect')))).map(list => new Map(list))
    await pollUntil(async () => (await arrivals()).every(a => a.size >= messages), 5_000, 100)
    const [first, second] = await arrivals()
    const earlier: number[] = []
    const later: number[] = []
    for (let n = 0; n < messages; n++) {
      const a = first.get(n)
      const b = second.get(n)
      if (a === undefined || b === undefined) continue
      earlier.push(Math.min(a, b))
      later.push(Math.max(a, b))
    }
    return { transport, workMs, earlier: summarise(earlier), later: summarise(later), missing: messages - later.length }
  } finally {
    await Promise.all([sender, ...receivers].map(async w => { await w.stop() }))
  }
}

/** Offer from the sender, answer from the receiver, both with every candidate (no trickling). */
async function connectWebRtc (sender: Worker, receiver: Worker): Promise<void> {
  const offer = await sender.call<{ index: number, sdp: string, type: string }>('offer')
  const answer = await receiver.call<{ sdp: string, type: string }>('answer', { sdp: offer.sdp, type: offer.type })
  await sender.call('accept', { index: offer.index, ...answer })
}
