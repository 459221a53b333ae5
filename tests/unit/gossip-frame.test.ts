import { describe, expect, it } from 'vitest'
import { decodeGossipFrame, encodeGossipFrame, gossipFrameIdBytes, shouldPassOn } from '../../src/net/gossip-frame.js'
import { FRAME_VERSION } from '../../src/protocol/constants.js'

describe('a gossip frame', () => {
  const frame = Uint8Array.of(1, 2, 3, 4)

  it('carries the frame and how many members its author handed it to', () => {
    const decoded = decodeGossipFrame(encodeGossipFrame(9, frame))
    expect(decoded?.reach).toBe(9)
    expect(decoded?.frame).toEqual(frame)
  })

  it('sends counts past seven bits as the largest it holds', () => {
    expect(decodeGossipFrame(encodeGossipFrame(1_000, frame))?.reach).toBe(127)
    expect(decodeGossipFrame(encodeGossipFrame(-1, frame))?.reach).toBe(0)
  })

  it('reads a bare frame, as an earlier version of the app sends it, as one that went nowhere yet', () => {
    expect(FRAME_VERSION & 0x80).toBe(0) // a frame's first byte, its version, has the top bit clear
    const bare = Uint8Array.of(FRAME_VERSION, 9, 9, 9)
    expect(decodeGossipFrame(bare)).toEqual({ reach: 0, frame: bare })
    expect(gossipFrameIdBytes(bare)).toEqual(bare)
  })

  it('is undefined for a message with no frame behind the header', () => {
    expect(decodeGossipFrame(new Uint8Array(0))).toBeUndefined()
    expect(decodeGossipFrame(Uint8Array.of(0x83))).toBeUndefined()
  })

  it('has the id of its frame whatever its header says', () => {
    expect(gossipFrameIdBytes(encodeGossipFrame(2, frame))).toEqual(frame)
    expect(gossipFrameIdBytes(encodeGossipFrame(100, frame))).toEqual(frame)
    expect(gossipFrameIdBytes(new Uint8Array(0))).toEqual(new Uint8Array(0))
  })

  it('is passed on only when its author reached fewer members than we know of', () => {
    // a fully connected room of ten: the author reached the nine others, we know nine others
    expect(shouldPassOn(9, 9)).toBe(false)
    // a member the author is not connected to, or has not found yet
    expect(shouldPassOn(8, 9)).toBe(true)
    // a large room: the author reached its neighbours only
    expect(shouldPassOn(9, 49)).toBe(true)
    expect(shouldPassOn(127, 300)).toBe(true)
  })
})
