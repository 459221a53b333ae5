import { useEffect } from 'preact/hooks'
import type { MemberView } from '../../../src/room/room.js'
import { network, roomPeers } from '../state.js'
import { clock, lastSeenLabel, startClock } from '../last-seen.js'

/** "online", or for someone away "last seen 5 min ago", kept up to date every 30 s. */
export function MemberPresence ({ member }: { member: MemberView }) {
  useEffect(startClock, [])
  // You are online to the others while the relay is reachable, or while connected to one of them.
  const online = member.online && (!member.self || network.value === 'online' || roomPeers.value > 0)
  if (online) return <span class='presence on'>online</span>
  if (member.self) return <span class='presence'>offline</span>
  const now = Math.max(clock.value, member.lastSeen)
  return (
    <span class='presence last-seen' title={new Date(member.lastSeen).toLocaleString()}>
      {lastSeenLabel(member.lastSeen, now)}
    </span>
  )
}

/**
 * In the header of a conversation with one other person (a DM, or a room of two): how they are,
 * "Ann · last seen 5 min ago". Nothing in bigger rooms, where the member list says it.
 */
export function PairPresence ({ members }: { members: readonly MemberView[] }) {
  const others = members.filter(m => !m.self)
  if (others.length !== 1) return null
  // Not a live region: a label that changes every 30 s must not be read out each time.
  return <p class='status pair-presence'>{others[0].name} · <MemberPresence member={others[0]} /></p>
}
