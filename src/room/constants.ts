import type { RateLimit } from './rate-limiter.js'

/** How often an online member says so, in a room of up to 15 online (see heartbeat.ts). */
export const PRESENCE_INTERVAL_MS = 15_000
/** A member's stored "last seen" may be this old while they keep talking (see Room.heard), ms. */
export const MEMBER_SAVE_EVERY_MS = 60_000
/** A member not heard from for this long is shown offline, in a room of up to 15 online. */
export const PRESENCE_TIMEOUT_MS = 40_000
/** Frames per member a room accepts; above it they are ignored (sync can fetch them later). */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 100, burst: 200 }
/** Frames held while waiting for their sender's key share. */
export const MAX_WAITING_FRAMES = 500
/** How long a frame may wait for its sender's key share. */
export const WAITING_FRAME_TTL_MS = 60_000
/**
 * How long a frame from a sender whose key share has not arrived yet may hold its gossipsub
 * verdict (and so its forwarding). gossipsub keeps a message about 5 s for forwarding.
 */
export const KEY_SHARE_WAIT_MS = 3_000
/**
 * A room name dated further ahead of this device's clock is kept but not taken, ms: the latest
 * name wins, and a name dated years ahead would otherwise stay for good.
 */
export const NAMING_CLOCK_AHEAD_MS = 10 * 60_000
/** After a key share goes out, how long to gather the next recipients into one share, ms. */
export const KEY_SHARE_DEBOUNCE_MS = 20
