/** How often an online member says so. */
export const PRESENCE_INTERVAL_MS = 15_000
/** A member not heard from for this long is shown offline. */
export const PRESENCE_TIMEOUT_MS = 40_000
/** Presence further than this from our clock is ignored (it cannot be replayed later). */
export const PRESENCE_MAX_SKEW_MS = 5 * 60_000
