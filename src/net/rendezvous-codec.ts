/**
 * The rendezvous protocol, spoken between a peer and a relay so that members of a room can find
 * each other. A peer registers under the room's rendezvous namespace (derived from the room
 * code, see room-keys.ts) and gets back the other peers registered there, with the addresses
 * they can be dialled at. The relay learns which connections share an opaque 32-byte id, and
 * nothing about the code, the topic or the content.
 *
 * One request, one response per stream, both length-prefixed on the stream:
 * ```
 * request  = version(1) | op(1) | namespace(32) | ttlSeconds(u16) | addrCount(u8) | { len(u16) | multiaddr }*
 * response = version(1) | status(1) | peerCount(u8) | { idLen(u8) | peerId | addrCount(u8) | { len(u16) | multiaddr }* }*
 * ```
 */
import { MalformedError, UnsupportedVersionError } from '../errors.js'

export const RENDEZVOUS_PROTOCOL = '/meshchat/rendezvous/1.0.0'
export const RENDEZVOUS_VERSION = 1
export const NAMESPACE_BYTES = 32
export const MAX_ADDRS = 8
export const MAX_ADDR_BYTES = 512
export const MAX_PEERS_PER_RESPONSE = 64
export const MAX_PEER_ID_BYTES = 64
export const MAX_TTL_SECONDS = 600
/** Upper bound of any rendezvous message, for the stream reader. */
export const MAX_RENDEZVOUS_MESSAGE_BYTES = 3 + MAX_PEERS_PER_RESPONSE * (2 + MAX_PEER_ID_BYTES + MAX_ADDRS * (2 + MAX_ADDR_BYTES))

export const Op = {
  /** Register (or refresh) and list the others. */
  Register: 1,
  /** Remove this peer's registration under the namespace. */
  Unregister: 2
} as const

export const Status = {
  Ok: 0,
  BadRequest: 1,
  /** The relay's limits are reached; try later or another relay. */
  Full: 2
} as const

export interface RendezvousRequest {
  readonly op: typeof Op[keyof typeof Op]
  readonly namespace: Uint8Array
  readonly ttlSeconds: number
  readonly addrs: Uint8Array[]
}

export interface RendezvousPeer {
  readonly peerId: Uint8Array
  readonly addrs: Uint8Array[]
}

export interface RendezvousResponse {
  readonly status: typeof Status[keyof typeof Status]
  readonly peers: RendezvousPeer[]
}

export function encodeRequest (request: RendezvousRequest): Uint8Array {
  const writer = new Writer()
  writer.u8(RENDEZVOUS_VERSION).u8(request.op)
  if (request.namespace.length !== NAMESPACE_BYTES) throw new RangeError(`"namespace" expected ${NAMESPACE_BYTES} bytes, got ${request.namespace.length}`)
  writer.bytes(request.namespace).u16(Math.min(request.ttlSeconds, MAX_TTL_SECONDS))
  writeAddrs(writer, request.addrs)
  return writer.finish()
}

export function decodeRequest (bytes: Uint8Array): RendezvousRequest {
  const reader = new Reader(bytes)
  readVersion(reader)
  const op = reader.u8()
  if (op !== Op.Register && op !== Op.Unregister) throw new MalformedError(`Unknown rendezvous op ${op}`)
  const namespace = reader.bytes(NAMESPACE_BYTES)
  const ttlSeconds = reader.u16()
  if (ttlSeconds > MAX_TTL_SECONDS) throw new MalformedError(`TTL ${ttlSeconds}s exceeds ${MAX_TTL_SECONDS}s`)
  const addrs = readAddrs(reader)
  reader.end()
  return { op, namespace, ttlSeconds, addrs }
}

export function encodeResponse (response: RendezvousResponse): Uint8Array {
  const writer = new Writer()
  const peers = response.peers.slice(0, MAX_PEERS_PER_RESPONSE)
  writer.u8(RENDEZVOUS_VERSION).u8(response.status).u8(peers.length)
  for (const peer of peers) {
    if (peer.peerId.length > MAX_PEER_ID_BYTES) throw new RangeError('peer id too long')
    writer.u8(peer.peerId.length).bytes(peer.peerId)
    writeAddrs(writer, peer.addrs)
  }
  return writer.finish()
}

export function decodeResponse (bytes: Uint8Array): RendezvousResponse {
  const reader = new Reader(bytes)
  readVersion(reader)
  const status = reader.u8()
  if (status !== Status.Ok && status !== Status.BadRequest && status !== Status.Full) {
    throw new MalformedError(`Unknown rendezvous status ${status}`)
  }
  const count = reader.u8()
  if (count > MAX_PEERS_PER_RESPONSE) throw new MalformedError(`Too many peers: ${count}`)
  const peers: RendezvousPeer[] = []
  for (let i = 0; i < count; i++) {
    const idLength = reader.u8()
    if (idLength === 0 || idLength > MAX_PEER_ID_BYTES) throw new MalformedError(`Peer id length ${idLength} out of range`)
    peers.push({ peerId: reader.bytes(idLength), addrs: readAddrs(reader) })
  }
  reader.end()
  return { status, peers }
}

function writeAddrs (writer: Writer, addrs: Uint8Array[]): void {
  const list = addrs.filter(a => a.length > 0 && a.length <= MAX_ADDR_BYTES).slice(0, MAX_ADDRS)
  writer.u8(list.length)
  for (const addr of list) writer.u16(addr.length).bytes(addr)
}

function readAddrs (reader: Reader): Uint8Array[] {
  const count = reader.u8()
  if (count > MAX_ADDRS) throw new MalformedError(`Too many addresses: ${count}`)
  const addrs: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const length = reader.u16()
    if (length === 0 || length > MAX_ADDR_BYTES) throw new MalformedError(`Address length ${length} out of range`)
    addrs.push(reader.bytes(length))
  }
  return addrs
}

function readVersion (reader: Reader): void {
  const version = reader.u8()
  if (version !== RENDEZVOUS_VERSION) throw new UnsupportedVersionError(`Rendezvous version ${version} is not supported`)
}

class Writer {
  private readonly parts: number[] = []
  u8 (value: number): this { this.parts.push(value & 0xff); return this }
  u16 (value: number): this { this.parts.push((value >> 8) & 0xff, value & 0xff); return this }
  bytes (value: Uint8Array): this { for (const b of value) this.parts.push(b); return this }
  finish (): Uint8Array { return Uint8Array.from(this.parts) }
}

class Reader {
  private offset = 0
  constructor (private readonly data: Uint8Array) {}
  u8 (): number { this.need(1); return this.data[this.offset++] }
  u16 (): number { this.need(2); const v = (this.data[this.offset] << 8) | this.data[this.offset + 1]; this.offset += 2; return v }
  bytes (length: number): Uint8Array { this.need(length); const v = this.data.slice(this.offset, this.offset + length); this.offset += length; return v }
  end (): void { if (this.offset !== this.data.length) throw new MalformedError(`${this.data.length - this.offset} unexpected trailing bytes`) }
  private need (n: number): void { if (this.offset + n > this.data.length) throw new MalformedError('Message is truncated') }
}
