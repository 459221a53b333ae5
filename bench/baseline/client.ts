/**
 * A baseline member: connects to the broadcast server and speaks the project's own envelope, so
 * the crypto cost per message is the same as in the mesh: each message is signed and sealed
 * before it is sent, and opened and verified on receipt (see ../lib/envelope.ts).
 * No store, no presence: only what a minimal central chat does per message.
 */
import WebSocket from 'ws'
import { bytesToHex } from '../../src/bytes.js'
import type { Identity } from '../../src/identity/identity.js'
import { Kind, decodeTextBody, encodeTextBody } from '../../src/protocol/bodies.js'
import type { RoomCode } from '../../src/room/room-code.js'
import { createSealer } from '../lib/envelope.js'
import type { Sealer } from '../lib/envelope.js'

export class BaselineMember {
  private socket: WebSocket | undefined
  private seq = 0
  private readonly self: string
  private readonly sealer: Sealer
  rejected = 0

  constructor (
    private readonly url: string,
    identity: Identity,
    private readonly code: RoomCode,
    private readonly name: string,
    private readonly onText: (text: string, author: string) => void
  ) {
    this.self = bytesToHex(identity.publicKey)
    this.sealer = createSealer(code, identity)
  }

  async connect (): Promise<void> {
    // The server only groups sockets by path; any stable room name will do.
    const socket = new WebSocket(`${this.url}/${this.code.secret.slice(0, 8)}`)
    socket.binaryType = 'nodebuffer'
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => { resolve() })
      socket.once('error', reject)
    })
    socket.on('message', (data: Buffer) => { void this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) })
    this.socket = socket
  }

  async send (text: string): Promise<void> {
    const body = encodeTextBody({ name: this.name, text })
    this.socket!.send(await this.sealer.seal(Kind.Text, ++this.seq, body), { binary: true })
  }

  close (): void {
    this.socket?.close()
  }

  private async receive (frame: Uint8Array): Promise<void> {
    try {
      const message = await this.sealer.open(frame)
      if (bytesToHex(message.author) === this.self || message.kind !== Kind.Text) return
      this.onText(decodeTextBody(message.body).text, bytesToHex(message.author))
    } catch {
      this.rejected++
    }
  }
}
