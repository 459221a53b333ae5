/**
 * How two members set up a WebRTC connection through the relay:
 * - no STUN server is asked unless one is configured (the defaults of @libp2p/webrtc are four
 *   public ones, which would learn who talks to whom);
 * - the dialler's ICE candidates reach the other side only once the dialler has applied the
 *   answer. Sent earlier, the other side's connectivity checks arrive before the dialler can
 *   answer them and the connection waits for a retransmission, about a second. The fix is applied
 *   on install by scripts/patch-dependencies.mjs; this test fails without it.
 */
import { RTCPeerConnection } from 'node-datachannel/polyfill'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { startConnectedPair } from '../helpers/node-peer.js'
import type { NodePeer } from '../helpers/node-peer.js'

type Event =
  | { what: 'offer-applied', pc: RTCPeerConnection, dialler: string }
  | { what: 'answer-applied', pc: RTCPeerConnection, dialler: string }
  | { what: 'candidate-added', pc: RTCPeerConnection }

const iceUfrag = (sdp: string | undefined): string => /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1] ?? '?'

describe('a WebRTC connection between two members', () => {
  let relay: RelayProcess
  let peers: NodePeer[] = []
  const events: Event[] = []
  const iceServers: unknown[] = []
  const setRemoteDescription = RTCPeerConnection.prototype.setRemoteDescription
  const addIceCandidate = RTCPeerConnection.prototype.addIceCandidate

  beforeAll(async () => {
    RTCPeerConnection.prototype.setRemoteDescription = async function (this: RTCPeerConnection, description: RTCSessionDescriptionInit) {
      await setRemoteDescription.call(this, description)
      iceServers.push(...(this.getConfiguration().iceServers ?? []))
      // The dialler's ICE username fragment names the connection on both sides.
      if (description.type === 'offer') events.push({ what: 'offer-applied', pc: this, dialler: iceUfrag(description.sdp) })
      if (description.type === 'answer') events.push({ what: 'answer-applied', pc: this, dialler: iceUfrag(this.localDescription?.sdp) })
    } as typeof setRemoteDescription
    RTCPeerConnection.prototype.addIceCandidate = async function (this: RTCPeerConnection, candidate?: RTCIceCandidateInit) {
      events.push({ what: 'candidate-added', pc: this })
      await addIceCandidate.call(this, candidate)
    } as typeof addIceCandidate

    relay = await startRelayProcess()
    peers = (await startConnectedPair(relay.multiaddrs)).peers
  }, 60_000)

  afterAll(async () => {
    RTCPeerConnection.prototype.setRemoteDescription = setRemoteDescription
    RTCPeerConnection.prototype.addIceCandidate = addIceCandidate
    await Promise.all(peers.map(async p => { await p.stop() }))
    await relay?.stop()
  })

  it('asks no STUN server', () => {
    expect(events.some(e => e.what === 'answer-applied')).toBe(true)
    expect(iceServers).toEqual([])
  })

  it("hands the dialler's candidates to the other side only after the dialler applied the answer", () => {
    const answered = events.filter(e => e.what === 'answer-applied')
    const answerers = events.filter(e => e.what === 'offer-applied')
    expect(answerers.length).toBeGreaterThan(0)
    for (const answerer of answerers) {
      const firstCandidate = events.findIndex(e => e.what === 'candidate-added' && e.pc === answerer.pc)
      const answerApplied = events.findIndex(e => e === answered.find(a => a.dialler === answerer.dialler))
      expect(answerApplied, `the dialler ${answerer.dialler} applied the answer`).toBeGreaterThanOrEqual(0)
      if (firstCandidate >= 0) expect(firstCandidate, `first candidate of ${answerer.dialler}`).toBeGreaterThan(answerApplied)
    }
  })
})
