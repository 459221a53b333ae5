/**
 * Which members of a room a member connects to. A small room is fully connected. In a large one
 * every member connecting to every other costs n(n-1)/2 WebRTC connections (1,225 for 50
 * members), each with its own encryption, keep-alives and gossip; gossipsub needs only a few
 * neighbours per member to reach everyone. So a member connects to a bounded number of others:
 *
 * - its next few members in a ring of all members ordered by id: every member holds a link to
 *   its successor, so the room stays one connected whole whoever joins or leaves;
 * - then members chosen at random up to the bound: these shortcuts keep every member a few
 *   hops from every other, where the ring alone would be n/2 hops across.
 *
 * Members that connect to us count too, so a member may end up with more than the bound.
 */

/**
 * How many members of a room a member connects to, at least: rooms of up to ten members are
 * fully connected, where a message reaches everyone in one hop. In a 10-member bench room with 8,
 * p99 latency was 30 ms against 7.3 ms for the central server (a slow host, one run). gossipsub
 * meshes 3 of a member's neighbours (see libp2p-node.ts), and the rest carry flood-published
 * messages and gossip.
 */
export const ROOM_NEIGHBOURS = 9
/** How many ring successors a member connects to, whatever else it is connected to. */
export const RING_SUCCESSORS = 2

export interface NeighbourChoice {
  /** Our own id. */
  readonly self: string
  /** The other members of the room, as found at the relays. */
  readonly members: readonly string[]
  /** Members we hold a direct connection to, or are dialling now. */
  readonly connected: ReadonlySet<string>
  /** Members whose last dial failed recently: left out, so the ring passes over them. */
  readonly unreachable: ReadonlySet<string>
  /** How many members to be connected to, at least (when the room has that many). */
  readonly neighbours: number
  /** How many ring successors to be connected to, whatever else we are connected to. */
  readonly successors: number
  /** Uniform in [0, 1); Math.random unless a test fixes it. */
  readonly random?: () => number
}

/** The members to dial now: ring successors we are not connected to, then random ones up to the bound. */
export function membersToDial (choice: NeighbourChoice): string[] {
  const { self, connected, unreachable, neighbours, successors } = choice
  const random = choice.random ?? Math.random
  const members = [...new Set(choice.members)].filter(id => id !== self && !unreachable.has(id))
  const ring = [...members, self].sort()
  const at = ring.indexOf(self)
  const next = ring.slice(at + 1).concat(ring.slice(0, at)).slice(0, successors)
  const dial = next.filter(id => !connected.has(id))
  let have = members.filter(id => connected.has(id)).length + dial.length
  const candidates = members.filter(id => !connected.has(id) && !dial.includes(id))
  while (have < neighbours && candidates.length > 0) {
    const [pick] = candidates.splice(Math.floor(random() * candidates.length), 1)
    dial.push(pick)
    have++
  }
  return dial
}
