import type { Connection } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { connectionToAsk } from '../../src/net/connection-to-ask.js'

/** A connection with `inbound` streams the peer opened and `outbound` ones we opened. */
function connection (id: string, { inbound = 0, outbound = 0, status = 'open', limited = false } = {}): Connection {
  const streams = [
    ...Array.from({ length: inbound }, () => ({ direction: 'inbound' })),
    ...Array.from({ length: outbound }, () => ({ direction: 'outbound' }))
  ]
  return { id, status, streams, limits: limited ? { bytes: 1n } : undefined } as unknown as Connection
}

describe('connectionToAsk', () => {
  it('asks on the connection where the peer opened streams of its own, wherever it is listed', () => {
    const silent = connection('silent', { outbound: 3 })
    const answering = connection('answering', { inbound: 1, outbound: 1 })
    expect(connectionToAsk([silent, answering])?.id).toBe('answering')
    expect(connectionToAsk([answering, silent])?.id).toBe('answering')
  })

  it('otherwise asks on the connection with the most streams', () => {
    expect(connectionToAsk([connection('few', { outbound: 1 }), connection('more', { outbound: 2 })])?.id).toBe('more')
  })

  it('never asks on a closing or limited (relayed) connection, and says when there is none to ask on', () => {
    const closing = connection('closing', { inbound: 5, status: 'closing' })
    const relayed = connection('relayed', { inbound: 5, limited: true })
    expect(connectionToAsk([closing, relayed, connection('direct')])?.id).toBe('direct')
    expect(connectionToAsk([closing, relayed])).toBeUndefined()
    expect(connectionToAsk([])).toBeUndefined()
  })

  it('leaves the list it is given as it was', () => {
    const list = [connection('a'), connection('b', { inbound: 1 })]
    connectionToAsk(list)
    expect(list.map(c => c.id)).toEqual(['a', 'b'])
  })
})
