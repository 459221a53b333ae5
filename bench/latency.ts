/**
 * 1. Delivery latency and completeness in one room, mesh and baseline side by side: messages
 * one at a time, round robin over the members, timed from send() on the author to the 'message'
 * event on every other member.
 *
 * Up to 10 members, both rooms of a size run at once, and the messages go in blocks, taking
 * turns: a block in the mesh room, then one in the baseline room, and so on. This machine's cores
 * are shared, and their speed drifts within a minute; taking turns gives both rooms the same
 * drift, so that their ratio measures the rooms rather than the moment each happened to run.
 * A larger mesh room is a load on the machine even when idle (gossipsub's heartbeat, presence,
 * for 30 or 50 members), so there each room runs alone, one after the other.
 */
import { pairedRatioInterval } from './lib/resample.js'
import { phaseResult, startBenchRoom } from './lib/room-harness.js'
import type { BenchRoom, Mode, PhaseResult, PhaseSamples } from './lib/room-harness.js'
import { round } from './lib/util.js'

export interface LatencyRow {
  size: number
  mode: Mode
  setupMs: number
  /** Pause after each message is handed to its author before the next, ms (see gapFor). */
  gapMs?: number
  /** Messages the room was to be sent; `result.sent` says how many went before its time limit. */
  planned?: number
  minPeersAtStart: number
  result?: PhaseResult
  /**
   * Mesh rows of rooms that took turns with a baseline room: where 90% of the p99 ratios fall
   * when the pairs of blocks are drawn again (lib/resample.ts).
   */
  p99RatioInterval?: [number, number]
  error?: string
}

export interface LatencyInit {
  sizes: number[]
  messages: number
  gapMs: number
  relays: string[]
  baselineUrl: string
  /** Give up on a size (and larger ones) once the suite has used this much time. */
  deadline: number
  log: (line: string) => void
  /** Runs on each room after the latency runs, before it stops (the throughput climb). */
  onRoom?: (room: BenchRoom) => Promise<void>
}

const MODES: Mode[] = ['mesh', 'baseline']
/** The largest rooms that run side by side. */
const SIDE_BY_SIDE_MAX_SIZE = 10
/** How many messages a room is sent in one turn; the rooms take turns until all are sent. */
const BLOCK_SIZE = 50
/**
 * Rooms larger than SIDE_BY_SIDE_MAX_SIZE get at most this many. A 50-member mesh room falls
 * behind at 50 messages a second, and 600 messages did not finish in 9 minutes on a slow host.
 */
const LARGE_ROOM_MESSAGES = 300
/**
 * How long the messages into a room larger than SIDE_BY_SIDE_MAX_SIZE may take, warm-up included,
 * ms. A 50-member room keeps its workers so busy that handing each one a message takes seconds;
 * without a limit its 300 messages had not gone 11 minutes after the room was set up. Its row
 * then says how many went.
 */
const LARGE_ROOM_SENDING_MS = 5 * 60_000
/** The warm-up's share of that time. */
const LARGE_ROOM_WARM_UP_MS = 60_000
/**
 * How long a turn waits, after its last message, for every delivery, ms. A turn ends once all
 * have arrived, so the other room's turn starts on a quiet machine; what has not arrived by then
 * counts as not delivered. Large mesh rooms fall behind here, and need the time to catch up.
 */
const DRAIN_MS = 30_000

/**
 * The pause between messages into a room of `size`. Every message is delivered to every other
 * member, so at one pace a 50-member room has five times the deliveries per second of a
 * 10-member room: at 20 ms, about 2,450 a second, each a signature check and two decryptions,
 * more than a 10-member room sustains here in the throughput climb. The room then falls further
 * behind with every message, and its figures measure that, not latency (how much a room
 * sustains is the throughput climb's question). So rooms larger than SIDE_BY_SIDE_MAX_SIZE are
 * paced to the 10-member room's deliveries per second.
 */
export function gapFor (size: number, gapMs: number): number {
  if (size <= SIDE_BY_SIDE_MAX_SIZE) return gapMs
  return Math.round(gapMs * (size - 1) / (SIDE_BY_SIDE_MAX_SIZE - 1))
}

export function perWorkerFor (size: number): number {
  return size <= 2 ? 1 : size <= 10 ? 5 : 10
}

export async function measureLatency (init: LatencyInit): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = []
  for (const size of init.sizes) {
    if (Date.now() > init.deadline) {
      for (const mode of MODES) rows.push({ size, mode, setupMs: 0, minPeersAtStart: 0, error: 'skipped: out of time for this profile' })
      continue
    }
    const groups = size <= SIDE_BY_SIDE_MAX_SIZE ? [MODES] : MODES.map(mode => [mode])
    for (const modes of groups) rows.push(...await measureRooms(modes, size, init))
  }
  return rows
}

/** Sets up a room of `size` for each of `modes`, measures them taking turns, then stops them. */
async function measureRooms (modes: Mode[], size: number, init: LatencyInit): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = []
  const rooms = new Map<Mode, BenchRoom>()
  try {
    for (const mode of modes) {
      init.log(`latency: ${mode}, ${size} members: setting up…`)
      try {
        rooms.set(mode, await startBenchRoom({
          mode, size, perWorker: perWorkerFor(size), relays: init.relays, baselineUrl: init.baselineUrl,
          readyTimeoutMs: 30_000 + size * 2_000
        }))
      } catch (err) {
        rows.push(failed(size, mode, err, init.log))
      }
    }
    rows.push(...await takeTurns(rooms, size, init))
    for (const room of rooms.values()) {
      await init.onRoom?.(room).catch(err => { init.log(`  ${room.mode}, after the latency runs: ${(err as Error).message.split('\n')[0]}`) })
      await room.stop()
      rooms.delete(room.mode)
    }
  } finally {
    await Promise.all([...rooms.values()].map(async room => { await room.stop() }))
  }
  return rows
}

/** Warms the rooms up, then sends `init.messages` into each (fewer into large rooms), in blocks that take turns. */
async function takeTurns (rooms: Map<Mode, BenchRoom>, size: number, init: LatencyInit): Promise<LatencyRow[]> {
  const samples = new Map<Mode, PhaseSamples[]>([...rooms.keys()].map(mode => [mode, []]))
  const errors = new Map<Mode, unknown>()
  const turn = async (room: BenchRoom, run: () => Promise<void>): Promise<void> => {
    if (errors.has(room.mode)) return
    await run().catch(err => { errors.set(room.mode, err) })
  }
  if (rooms.size === 0) return []
  const large = size > SIDE_BY_SIDE_MAX_SIZE
  // Large rooms run alone (one mode in `rooms`), so the limit is that room's own.
  const limitFrom = Date.now()
  const warmUntil = large ? limitFrom + LARGE_ROOM_WARM_UP_MS : Infinity
  const sendUntil = large ? limitFrom + LARGE_ROOM_SENDING_MS : Infinity
  const gapMs = gapFor(size, init.gapMs)
  for (const room of rooms.values()) {
    await turn(room, async () => { await room.sequential(`warm-${size}`, Math.min(size, 10), gapMs, DRAIN_MS, warmUntil) })
  }
  const messages = large ? Math.min(init.messages, LARGE_ROOM_MESSAGES) : init.messages
  const blocks = Math.ceil(messages / BLOCK_SIZE)
  init.log(`latency: ${size} members, ${messages} messages into ${[...rooms.keys()].join(' and ')}, ${gapMs} ms apart, in ${blocks} blocks…`)
  for (let block = 0; block < blocks && Date.now() < sendUntil; block++) {
    const perBlock = Math.min(BLOCK_SIZE, messages - block * BLOCK_SIZE)
    for (const room of rooms.values()) {
      await turn(room, async () => {
        samples.get(room.mode)!.push(await room.sequential(`lat-${size}-${block}`, perBlock, gapMs, DRAIN_MS, sendUntil))
      })
    }
  }
  const interval = errors.size === 0 && samples.has('mesh') && samples.has('baseline')
    ? pairedRatioInterval(samples.get('mesh')!.map(b => b.latencies), samples.get('baseline')!.map(b => b.latencies), 0.99)
    : null
  return [...rooms.values()].map(room => {
    if (errors.has(room.mode)) return failed(size, room.mode, errors.get(room.mode), init.log)
    const result = phaseResult(samples.get(room.mode)!)
    const cut = result.sent < messages ? ` (${result.sent} of ${messages} messages sent in the time limit)` : ''
    init.log(`  ${room.mode}: p50 ${result.p50} ms, p99 ${result.p99} ms, delivered ${(result.deliveredShare * 100).toFixed(2)}%${cut}`)
    const row: LatencyRow = { size, mode: room.mode, setupMs: room.setupMs, gapMs, minPeersAtStart: room.minPeersAtStart, planned: messages, result }
    if (room.mode === 'mesh' && interval !== null) row.p99RatioInterval = [round(interval[0]), round(interval[1])]
    return row
  })
}

function failed (size: number, mode: Mode, err: unknown, log: (line: string) => void): LatencyRow {
  const error = (err as Error).message.split('\n')[0]
  log(`  ${mode} failed: ${error}`)
  return { size, mode, setupMs: 0, minPeersAtStart: 0, error }
}
