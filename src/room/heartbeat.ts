/**
 * How often an online member says so (presence, with a history summary after it), and how long
 * a member's silence means it is offline.
 *
 * Every heartbeat reaches every member, so a room's heartbeat traffic grows with the square of its
 * size. In a 30-member bench room at rest, each member took in about 8 presence and summary
 * messages a second, each opened, verified and passed on. So up to 15 members online a member
 * beats every 15 s, and in a larger room the interval grows with the number online, keeping the
 * whole room at about one heartbeat a second. Offline is still 8/3 intervals of silence: two lost
 * heartbeats. The cost is that a member who vanishes without a word is shown online longer in a
 * large room: 80 s with 30 online, 133 s with 50.
 */
import { PRESENCE_INTERVAL_MS, PRESENCE_TIMEOUT_MS } from './constants.js'

/** Heartbeats a whole room sends per second, once it is too large for PRESENCE_INTERVAL_MS. */
const ROOM_HEARTBEATS_PER_SECOND = 1

/** Time between a member's heartbeats, ms, with `online` members (ourselves included). */
export function heartbeatIntervalMs (online: number): number {
  return Math.max(PRESENCE_INTERVAL_MS, Math.ceil(online / ROOM_HEARTBEATS_PER_SECOND) * 1_000)
}

/** Silence after which a member is shown offline, ms, with `online` members. */
export function presenceTimeoutMs (online: number): number {
  return heartbeatIntervalMs(online) * PRESENCE_TIMEOUT_MS / PRESENCE_INTERVAL_MS
}
