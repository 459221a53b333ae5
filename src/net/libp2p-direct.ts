/**
 * Direct request/reply streams on libp2p (the file protocol): one stream per request, straight
 * to a peer we share a room topic with, length-prefixed frames with strict size limits. Chunks
 * never pass through gossip, so a file costs the room's other members nothing.
 */
import type { Connection, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { CHUNK_TIMEOUT_MS, FILE_PROTOCOL, MAX_SERVES } from '../files/constants.js'
import { FILE_REQUEST_BYTES, MAX_FILE_REPLY_BYTES } from '../files/file-wire.js'
import { connectionToAsk } from './connection-to-ask.js'
import type { MeshNode } from './libp2p-node.js'
import type { DirectChannel, DirectHandler } from './transport.js'

export class Libp2pDirect implements DirectChannel {
  private handler: DirectHandler | undefined
  private registered = false

  /**
   * @param far the other members of a topic that we are not connected to, with the addresses
   *   to reach each at
   */
  constructor (private readonly node: MeshNode,
    private readonly far: (topic: string) => Map<string, Multiaddr[]> = () => new Map()) {}

  peers (topic: string): string[] {
    return this.node.services.pubsub.getSubscribers(topic).map(p => p.toString())
  }

  farPeers (topic: string): string[] {
    return [...this.far(topic).keys()]
  }

  handle (handler: DirectHandler): void {
    this.handler = handler
    if (this.registered) return
    this.registered = true
    void this.node.handle(FILE_PROTOCOL, this.serve, { maxInboundStreams: MAX_SERVES }).catch(() => { this.registered = false })
  }

  async * request (peer: string, request: Uint8Array, options: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
    const signal = (): AbortSignal => options.signal === undefined
      ? AbortSignal.timeout(CHUNK_TIMEOUT_MS)
      : AbortSignal.any([options.signal, AbortSignal.timeout(CHUNK_TIMEOUT_MS)])
    const peerId = peerIdFromString(peer)
    const connection = connectionToAsk(this.node.getConnections(peerId))
    // A member we are not connected to (a large room) is dialled at its WebRTC addresses.
    const addrs = connection !== undefined ? [] : [...this.node.services.pubsub.getTopics()].flatMap(t => this.far(t).get(peer) ?? [])
    const stream = connection !== undefined
      ? await connection.newStream(FILE_PROTOCOL, { signal: signal() })
      : await this.node.dialProtocol(addrs.length > 0 ? addrs : peerId, FILE_PROTOCOL, { signal: signal() })
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_FILE_REPLY_BYTES })
      await lp.write(request, { signal: signal() })
      // The caller stops reading when the protocol says the reply is complete; a stream that
      // ends or stalls before that throws here.
      while (true) yield (await lp.read({ signal: signal() })).subarray()
    } finally {
      await stream.close({ signal: AbortSignal.timeout(2_000) }).catch(() => { stream.abort(new Error('file request closed')) })
    }
  }

  /** Stops serving; the node itself is stopped by its owner. */
  stop (): void {
    if (this.registered) void this.node.unhandle(FILE_PROTOCOL).catch(() => {})
    this.registered = false
  }

  private readonly serve = async (stream: Stream, connection: Connection): Promise<void> => {
    const handler = this.handler
    try {
      if (handler === undefined) throw new Error('not serving files')
      const lp = lpStream(stream, { maxDataLength: FILE_REQUEST_BYTES })
      const request = await lp.read({ signal: AbortSignal.timeout(CHUNK_TIMEOUT_MS) })
      for await (const frame of handler(request.subarray(), connection.remotePeer.toString())) {
        await lp.write(frame, { signal: AbortSignal.timeout(CHUNK_TIMEOUT_MS) })
      }
      await stream.close({ signal: AbortSignal.timeout(CHUNK_TIMEOUT_MS) })
    } catch (err) {
      stream.abort(err as Error)
    }
  }
}
