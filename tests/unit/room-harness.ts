/**
 * Shared set-up for room tests: clients over a MemoryNetwork, a polling wait, and typed access to
 * the few room internals the tests need to craft frames exactly as a member would.
 */
import { expect } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { Client } from '../../src/client/client.js'
import type { FileTransfersInit } from '../../src/files/file-transfers.js'
import type { Identity } from '../../src/identity/identity.js'
import { MemoryNetwork } from '../../src/net/memory-network.js'
import type { MemoryTransport } from '../../src/net/memory-network.js'
import { Kind, encodeTextBody } from '../../src/protocol/bodies.js'
import { chainedPayload, openFrame, plainPayload, sealFrame, signMessage } from '../../src/protocol/envelope.js'
import type { Payload, SignedMessage } from '../../src/protocol/envelope.js'
import type { Epoch, EpochBook } from '../../src/room/epochs.js'
import type { KeyBook } from '../../src/room/key-book.js'
import type { Room } from '../../src/room/room.js'
import type { RoomInit } from '../../src/room/room.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import type { MessageRecord } from '../../src/store/store.js'

export interface Member {
  readonly name: string
  readonly client: Client
  readonly identity: Identity
  readonly key: string
  readonly store: MemoryStore
  readonly transport: MemoryTransport
  /** Every frame this member's transport published, in order. */
  readonly published: Uint8Array[]
  room: Room
  /** Messages the room emitted ('message' events), sent and received. */
  readonly messages: MessageRecord[]
}

export interface MemberOptions {
  readonly now?: () => number
  readonly roomInit?: RoomInit
  /** Post "joined"/"left" notices, as the app does. */
  readonly membershipNotices?: boolean
  /** Limits of file transfers (tests shorten the waits). */
  readonly filesInit?: FileTransfersInit
}

/** Clients and network of one test; `close()` stops them all. */
export class Harness {
  readonly network = new MemoryNetwork()
  readonly members: Member[] = []

  /** A client with a name and a transport on the network, not yet in any room. */
  async member (name: string, options: MemberOptions = {}): Promise<Member> {
    const store = new MemoryStore()
    const client = await Client.open({
      store, now: options.now, roomInit: options.roomInit, membershipNotices: options.membershipNotices, filesInit: options.filesInit
    })
    await client.setDisplayName(name)
    const transport = this.network.createTransport()
    const published: Uint8Array[] = []
    const publish = transport.publish.bind(transport)
    transport.publish = async (topic, frame) => {
      published.push(frame)
      return await publish(topic, frame)
    }
    const member: Member = {
      name,
      client,
      identity: client.identity,
      key: bytesToHex(client.identity.publicKey),
      store,
      transport,
      published,
      room: undefined as unknown as Room,
      messages: []
    }
    this.members.push(member)
    return member
  }

  /** Opens `code` (or creates a room) for a member and records its messages. */
  async enter (member: Member, code?: string): Promise<Room> {
    const room = code === undefined ? await member.client.createRoom() : await member.client.joinRoom(code)
    member.room = room
    room.on('message', m => { member.messages.push(m) })
    return room
  }

  /** `names.length` members in one room, all attached to the network, after the handshake. */
  async group (names: string[], options: MemberOptions = {}): Promise<Member[]> {
    const members: Member[] = []
    for (const name of names) members.push(await this.member(name, options))
    await this.enter(members[0])
    for (const m of members.slice(1)) await this.enter(m, members[0].room.code.display)
    for (const m of members) m.client.attachTransport(m.transport)
    await handshake(members)
    return members
  }

  async close (): Promise<void> {
    for (const m of this.members) await m.client.close()
  }
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor (condition: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

/** Lets queued timers (the 20 ms key-share debounce) and promise chains run. */
export async function pause (ms = 60): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/**
 * Waits until every member can read every other member's chain in its current epoch: each one
 * holds a receiver chain for each other member's own chain.
 */
export async function handshake (members: Member[], timeoutMs = 5_000): Promise<void> {
  await waitFor(() => members.every(reader => members.every(writer => {
    if (reader === writer) return true
    const epoch = internals(reader.room).epochs.current
    const chain = internals(writer.room).keys.ownChain(internals(writer.room).epochs.current)
    return bytesToHex(internals(writer.room).epochs.current.tag) === bytesToHex(epoch.tag) &&
      internals(reader.room).keys.receiver(epoch, writer.identity.publicKey, chain.chainId) !== undefined
  })), 'the key-share handshake', timeoutMs)
}

/** The private parts of a Room that tests need to act as a member would. */
export function internals (room: Room): { keys: KeyBook, epochs: EpochBook } {
  return room as unknown as { keys: KeyBook, epochs: EpochBook }
}

/** Decrypts a frame of the member's room (any epoch it holds) down to its payload. */
export function payloadOf (room: Room, frame: Uint8Array): Payload {
  return openFrame(frame, tag => internals(room).epochs.byTag(tag)).payload
}

/** The frames a member published that are chained (messages), in order. */
export function chainedFrames (member: Member): Uint8Array[] {
  return member.published.filter(f => {
    try {
      return payloadOf(member.room, f).mode === 1
    } catch {
      return false
    }
  })
}

/** A text message as `member` would sign it, for the given epoch. */
export async function signedText (identity: Identity, epoch: Epoch, seq: number, text: string, timestamp = Date.now(), name = 'Someone'): Promise<SignedMessage> {
  return await signMessage(identity, epoch.epochId, { kind: Kind.Text, seq, timestamp, body: encodeTextBody({ name, text }) })
}

/** Sends `message` on the member's own chain of `epoch` (advancing it), sealed as a frame. */
export function chainedFrameFrom (member: Member, epoch: Epoch, message: SignedMessage): Uint8Array {
  const chain = internals(member.room).keys.ownChain(epoch)
  const { index, messageKey } = chain.next()
  return sealFrame(epoch, chainedPayload(message, chain.chainId, index, messageKey))
}

/** A plain frame (no sender chain) of `epoch`. */
export function plainFrame (epoch: Epoch, message: SignedMessage): Uint8Array {
  return sealFrame(epoch, plainPayload(message))
}

export async function texts (member: Member): Promise<string[]> {
  return (await member.room.history(5_000)).map(m => m.text)
}

export function expectVerdict (verdict: unknown): void {
  expect(['accept', 'reject', 'ignore']).toContain(verdict)
}
