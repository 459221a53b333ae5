import type { Connection, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { gossipOnConnect } from '../../src/net/gossip-on-connect.js'
import type { MeshNode } from '../../src/net/libp2p-node.js'

const RELAY = '/ip4/127.0.0.1/tcp/9001/ws/p2p/12D3KooWRkGLz4YbVmrsWK75VjFTs8NvaBu42xhAmQaP4KeJpw1L'
const MEMBER = '12D3KooWHjS5a2WfLSmd6zCEiQwjjmRuoxTyq6TSWmUfx6UMCehN'

/** Calls each listener directly, so that what one throws reaches the caller. */
class Events {
  private readonly listeners = new Map<string, Set<(event: CustomEvent) => void>>()
  addEventListener (type: string, listener: (event: CustomEvent) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set())
    this.listeners.get(type)!.add(listener)
  }

  removeEventListener (type: string, listener: (event: CustomEvent) => void): void { this.listeners.get(type)?.delete(listener) }
  dispatchEvent (event: CustomEvent): void { for (const listener of this.listeners.get(event.type) ?? []) listener(event) }
}

/** A node with only what gossipOnConnect uses, and the calls its gossipsub received. */
function fakeNode (): { node: MeshNode, events: Events, calls: string[] } {
  const events = new Events()
  const calls: string[] = []
  const pubsub = {
    onPeerConnected: (peer: PeerId, connection: Connection) => { calls.push(`connected ${String(peer)} ${connection.id}`) },
    onPeerDisconnected: (peer: PeerId) => { calls.push(`disconnected ${String(peer)}`) }
  }
  const node = {
    services: { pubsub },
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events)
  } as unknown as MeshNode
  return { node, events, calls }
}

function connection (id: string, addr: string, limited = false): Connection {
  return { id, remotePeer: MEMBER, remoteAddr: multiaddr(addr), limits: limited ? { bytes: 1n } : undefined } as unknown as Connection
}

describe('gossipOnConnect', () => {
  it('tells gossipsub of a direct WebRTC connection as it opens, and of the peer leaving', () => {
    const { node, events, calls } = fakeNode()
    gossipOnConnect(node)
    events.dispatchEvent(new CustomEvent('connection:open', { detail: connection('direct', `${RELAY}/p2p-circuit/webrtc/p2p/${MEMBER}`) }))
    events.dispatchEvent(new CustomEvent('peer:disconnect', { detail: MEMBER }))
    expect(calls).toEqual([`connected ${MEMBER} direct`, `disconnected ${MEMBER}`])
  })

  it('leaves relayed connections and the relay itself to identify', () => {
    const { node, events, calls } = fakeNode()
    gossipOnConnect(node)
    events.dispatchEvent(new CustomEvent('connection:open', { detail: connection('relayed', `${RELAY}/p2p-circuit/p2p/${MEMBER}`, true) }))
    events.dispatchEvent(new CustomEvent('connection:open', { detail: connection('relay', RELAY) }))
    expect(calls).toEqual([])
  })

  it('keeps what gossipsub throws out of the node events', () => {
    const { node, events } = fakeNode()
    const pubsub = node.services.pubsub as unknown as Record<string, () => void>
    pubsub.onPeerDisconnected = () => { throw new TypeError('no score parameters for a topic left') }
    gossipOnConnect(node)
    expect(() => events.dispatchEvent(new CustomEvent('peer:disconnect', { detail: MEMBER }))).not.toThrow()
  })

  it('does nothing once stopped', () => {
    const { node, events, calls } = fakeNode()
    gossipOnConnect(node)()
    events.dispatchEvent(new CustomEvent('connection:open', { detail: connection('direct', `${RELAY}/p2p-circuit/webrtc/p2p/${MEMBER}`) }))
    events.dispatchEvent(new CustomEvent('peer:disconnect', { detail: MEMBER }))
    expect(calls).toEqual([])
  })
})
