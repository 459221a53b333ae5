/**
 * Which connection to open a request stream on, when a peer may be reached over several. Two
 * members that dial each other at the same moment can both succeed, and then hold two WebRTC
 * connections between them (seen in end-to-end runs); libp2p opens a new stream on whichever of
 * them it lists first. In one end-to-end run, a member's file requests to another failed on every
 * try for minutes while the room's messages kept arriving between them: requests going to a
 * connection the other side no longer answers on fits what was seen. So a request goes where the
 * peer has shown it answers: the connection on which it opened streams of its own (gossipsub's, at
 * least), then the one with the most streams.
 */
import type { Connection } from '@libp2p/interface'

/** The open, unlimited connection to ask on; undefined when there is none (dial first). */
export function connectionToAsk (connections: readonly Connection[]): Connection | undefined {
  const usable = connections.filter(c => c.status === 'open' && c.limits === undefined)
  const opensStreams = (c: Connection): number => c.streams.filter(s => s.direction === 'inbound').length
  return usable.sort((a, b) => opensStreams(b) - opensStreams(a) || b.streams.length - a.streams.length)[0]
}
