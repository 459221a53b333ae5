/**
 * One end of the transport measurement (transport.ts): the sender, or a receiver that notes when
 * each message arrived and then works on it for a while, as a bench worker does on the messages
 * of the members it hosts. The parent passes the WebRTC offers and answers between them.
 */
import { PeerConnection, cleanup } from 'node-datachannel'
import type { DataChannel } from 'node-datachannel'
import { WebSocket, WebSocketServer } from 'ws'
import { serveWorker } from './lib/procs.js'
import { nowMs, sleep, withTimeout } from './lib/util.js'

/** Each message carries its number and its send time. */
const STAMP_BYTES = 16
const SETUP_TIMEOUT_MS = 15_000

const peerConnections: PeerConnection[] = []
/** Data channels: the sender's by the index of their peer connection, a receiver's as they come. */
const channels = new Map<number, DataChannel>()
/** The sender's ways to send one message: one per receiver. */
const outbound: Array<(message: Uint8Array) => void> = []
let server: WebSocketServer | undefined
let socket: WebSocket | undefined
let workMs = 0
/** Arrival latency by message number, ms. */
const arrivals = new Map<number, number>()

function stamp (n: number, bytes: number): Uint8Array {
  const message = new Uint8Array(Math.max(STAMP_BYTES, bytes))
  const view = new DataView(message.buffer)
  view.setFloat64(0, n)
  view.setFloat64(8, nowMs())
  return message
}

function receive (data: Uint8Array): void {
  const at = nowMs()
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  arrivals.set(view.getFloat64(0), at - view.getFloat64(8))
  // The work the message sets off, all on this thread, as five members' decryption would be.
  while (nowMs() - at < workMs);
}

/** A new peer connection; resolves to its description once every local candidate is in it. */
async function describe (pc: PeerConnection): Promise<{ sdp: string, type: string }> {
  await withTimeout(new Promise<void>(resolve => {
    if (pc.gatheringState() === 'complete') resolve()
    pc.onGatheringStateChange(state => { if (state === 'complete') resolve() })
  }), SETUP_TIMEOUT_MS, 'ICE gathering')
  const description = pc.localDescription()
  if (description === null) throw new Error('no local description')
  return { sdp: description.sdp, type: description.type }
}

function newPeerConnection (name: string): PeerConnection {
  const pc = new PeerConnection(name, { iceServers: [] })
  peerConnections.push(pc)
  return pc
}

async function opened (channel: DataChannel): Promise<void> {
  await withTimeout(new Promise<void>(resolve => {
    if (channel.isOpen()) resolve()
    channel.onOpen(resolve)
  }), SETUP_TIMEOUT_MS, 'data channel open')
}

serveWorker({
  /** Receiver: how long to keep its thread busy after each message, ms. */
  async receiver (args: { workMs: number }) {
    workMs = args.workMs
    return true
  },

  /** Sender: a data channel to one more receiver; returns the offer for it. */
  async offer () {
    const index = peerConnections.length
    const pc = newPeerConnection(`sender-${index}`)
    channels.set(index, pc.createDataChannel('bench'))
    return { index, ...await describe(pc) }
  },

  /** Receiver: answers an offer. */
  async answer ({ sdp, type }: { sdp: string, type: string }) {
    const pc = newPeerConnection('receiver')
    pc.onDataChannel(channel => {
      // Held here: a data channel nothing refers to is collected, and closed.
      channels.set(channels.size, channel)
      channel.onMessage(message => { if (typeof message !== 'string') receive(new Uint8Array(message)) })
    })
    pc.setRemoteDescription(sdp, type as 'offer')
    return await describe(pc)
  },

  /** Sender: takes a receiver's answer and waits for that data channel to open. */
  async accept ({ index, sdp, type }: { index: number, sdp: string, type: string }) {
    const channel = channels.get(index)!
    peerConnections[index].setRemoteDescription(sdp, type as 'answer')
    await opened(channel)
    outbound.push(message => { channel.sendMessageBinary(message) })
    return true
  },

  /** Sender: a WebSocket server for the receivers; returns its URL. */
  async listen () {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise(resolve => server!.once('listening', resolve))
    server.on('connection', client => { outbound.push(m => { client.send(m) }) })
    const address = server.address() as { port: number }
    return `ws://127.0.0.1:${address.port}`
  },

  /** Receiver: connects to the sender's WebSocket server. */
  async connect ({ url }: { url: string }) {
    socket = new WebSocket(url)
    socket.binaryType = 'nodebuffer'
    socket.on('message', (data: Buffer) => { receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) })
    await withTimeout(new Promise((resolve, reject) => { socket!.once('open', resolve); socket!.once('error', reject) }), SETUP_TIMEOUT_MS, 'WebSocket open')
    return true
  },

  /** Sender: how many receivers it can send to now. */
  async receivers () {
    return outbound.length
  },

  /** Sender: `count` messages of `bytes`, `gapMs` apart, each to every receiver in turn. */
  async send ({ count, gapMs, bytes }: { count: number, gapMs: number, bytes: number }) {
    for (let n = 0; n < count; n++) {
      await sleep(gapMs)
      const message = stamp(n, bytes)
      for (const send of outbound) send(message)
    }
    return count
  },

  /** Receiver: the latencies so far, by message number. */
  async collect () {
    return [...arrivals]
  }
}, async () => {
  socket?.close()
  server?.close()
  for (const pc of peerConnections) pc.close()
  cleanup()
})
