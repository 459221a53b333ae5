/**
 * How frames leave over a real WebSocket to the relay: each frame goes out as one WebSocket
 * message. @libp2p/websockets 10.1.21 sent a noise frame's 2-byte length and its bytes as two
 * messages; the fix is applied on install by scripts/patch-dependencies.mjs, and this test fails
 * without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { startConnectedPair } from '../helpers/node-peer.js'
import type { NodePeer } from '../helpers/node-peer.js'
import { readVarint } from '../helpers/varint.js'

/**
 * Whole frames only: noise frames (each a 2-byte length, then its bytes), or multistream-select
 * messages (each a varint length, then its bytes; the first write holds two of them).
 */
function isWholeFrames (bytes: Uint8Array): boolean {
  const split = (frameLength: (at: number) => number): boolean => {
    let at = 0
    while (at < bytes.length) {
      const length = frameLength(at)
      if (length <= 0) return false
      at += length
    }
    return at === bytes.length
  }
  return split(at => at + 2 <= bytes.length ? 2 + bytes[at] * 256 + bytes[at + 1] : 0) ||
    split(at => {
      const prefix = readVarint(bytes.subarray(at))
      return prefix.length === 0 ? 0 : prefix.length + prefix.value
    })
}

describe('frames on a WebSocket to the relay', () => {
  let relay: RelayProcess
  let peers: NodePeer[] = []
  const sent: Uint8Array[] = []
  const send = WebSocket.prototype.send

  beforeAll(async () => {
    relay = await startRelayProcess()
    // From the first byte: the handshakes, the reservations and the signalling of the pair's
    // WebRTC connection all go through the relay.
    WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket['send']>[0]) {
      if (data instanceof ArrayBuffer) sent.push(new Uint8Array(data.slice(0)))
      else if (ArrayBuffer.isView(data)) sent.push(new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)))
      send.call(this, data)
    }
    peers = (await startConnectedPair(relay.multiaddrs)).peers
  }, 60_000)

  afterAll(async () => {
    WebSocket.prototype.send = send
    await Promise.all(peers.map(async p => { await p.stop() }))
    await relay?.stop()
  })

  it('sends each frame, its length included, as one WebSocket message', () => {
    WebSocket.prototype.send = send
    expect(sent.length, 'messages sent to the relay').toBeGreaterThanOrEqual(20)
    const broken = sent.filter(bytes => !isWholeFrames(bytes))
    expect(broken.map(b => b.length), 'messages that are not whole frames (their sizes)').toEqual([])
  })
})
