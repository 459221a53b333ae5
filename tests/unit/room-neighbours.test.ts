import { describe, expect, it } from 'vitest'
import { ROOM_NEIGHBOURS, RING_SUCCESSORS, membersToDial } from '../../src/net/room-neighbours.js'
import type { NeighbourChoice } from '../../src/net/room-neighbours.js'

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `peer-${String(i).padStart(3, '0')}`)
const none = new Set<string>()

/** A seeded generator, so a failure can be replayed. */
function seeded (seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed / 2 ** 31
  }
}

function choose (partial: Partial<NeighbourChoice> & { self: string, members: string[] }): string[] {
  return membersToDial({ connected: none, unreachable: none, neighbours: 8, successors: 2, random: seeded(1), ...partial })
}

/**
 * Members join one at a time; each dials what `membersToDial` says, given whom it is connected
 * to (both ends of a dial are connected). Returns the connections.
 */
function joinOneByOne (members: string[], neighbours: number, random: () => number): Map<string, Set<string>> {
  const links = new Map<string, Set<string>>()
  const link = (a: string, b: string): void => { links.get(a)!.add(b); links.get(b)!.add(a) }
  for (const [i, self] of members.entries()) {
    links.set(self, new Set())
    for (const other of membersToDial({ self, members: members.slice(0, i), connected: links.get(self)!, unreachable: none, neighbours, successors: 2, random })) link(self, other)
  }
  // Then a discovery round each, as members find the ones who joined after them.
  for (const self of members) {
    for (const other of membersToDial({ self, members, connected: links.get(self)!, unreachable: none, neighbours, successors: 2, random })) link(self, other)
  }
  return links
}

function reachable (links: Map<string, Set<string>>, from: string): Set<string> {
  const seen = new Set([from])
  const queue = [from]
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const next of links.get(id)!) if (!seen.has(next)) { seen.add(next); queue.push(next) }
  }
  return seen
}

describe('membersToDial', () => {
  it('dials every member of a room no larger than the bound', () => {
    const [self, ...members] = ids(9)
    expect(choose({ self, members }).sort()).toEqual(members)
  })

  it('by default keeps a room of ten fully connected, so a message reaches everyone in one hop', () => {
    const [self, ...members] = ids(10)
    const dial = membersToDial({ self, members, connected: none, unreachable: none, neighbours: ROOM_NEIGHBOURS, successors: RING_SUCCESSORS })
    expect(dial.sort()).toEqual(members)
  })

  it('dials nobody it is already connected to', () => {
    const [self, ...members] = ids(5)
    expect(choose({ self, members, connected: new Set(members.slice(0, 2)) }).sort()).toEqual(members.slice(2))
  })

  it('in a large room dials its two ring successors and random others, up to the bound', () => {
    const all = ids(50)
    const self = all[48]
    const dial = choose({ self, members: all.filter(id => id !== self) })
    expect(dial).toHaveLength(8)
    expect(dial.slice(0, 2)).toEqual([all[49], all[0]]) // the ring wraps around
    expect(new Set(dial).size).toBe(8)
    expect(dial).not.toContain(self)
  })

  it('connects to its ring successors even when it already has enough neighbours', () => {
    const all = ids(30)
    const self = all[10]
    const connected = new Set(all.slice(20, 30))
    expect(choose({ self, members: all, connected })).toEqual([all[11], all[12]])
  })

  it('passes over members that could not be reached, to the next in the ring', () => {
    const all = ids(30)
    const dial = choose({ self: all[0], members: all, unreachable: new Set([all[1]]), neighbours: 2 })
    expect(dial).toEqual([all[2], all[3]])
  })

  it('keeps a room of 50 joining one by one a single connected whole, with far fewer connections than all pairs', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const members = ids(50)
      const links = joinOneByOne(members, 8, seeded(seed))
      expect(reachable(links, members[0]).size, `seed ${seed}`).toBe(50)
      const connections = [...links.values()].reduce((sum, set) => sum + set.size, 0) / 2
      expect(connections).toBeLessThan(50 * 10)
      expect(connections).toBeGreaterThanOrEqual(50 * 2)
      for (const [id, set] of links) expect(set.size, id).toBeGreaterThanOrEqual(8)
    }
  })

  it('leaves a departed member\'s neighbours connected through the ring', () => {
    const members = ids(40)
    const links = joinOneByOne(members, 3, seeded(7))
    // Every third member leaves; the others' next round reconnects the ring around them.
    const left = new Set(members.filter((_, i) => i % 3 === 0))
    const stay = members.filter(id => !left.has(id))
    for (const id of left) links.delete(id)
    for (const set of links.values()) for (const id of left) set.delete(id)
    for (const self of stay) {
      for (const other of membersToDial({ self, members: stay, connected: links.get(self)!, unreachable: none, neighbours: 3, successors: 2, random: seeded(8) })) {
        links.get(self)!.add(other)
        links.get(other)!.add(self)
      }
    }
    expect(reachable(links, stay[0]).size).toBe(stay.length)
  })
})
