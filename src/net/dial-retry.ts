/**
 * When to dial a room member again after dials to it failed. Most failures are not a member that
 * is gone: members that find each other at the same moment dial each other at once over the
 * relay, and one or both of those dials can fail while the other connection takes over. Where both
 * fail, a long pause left the pair unconnected for half a minute (seen when ten members joined at
 * once: the room took 38 s to be fully connected rather than 7-13 s). So the first retry comes
 * within seconds, later ones wait longer (a member that is really gone is not dialled over and
 * over), and each wait is drawn at random around its length, so that two members whose dials
 * collided do not try again at the same moment.
 */

/** The wait after a first failure, ms (around it: see `retryDelayMs`). */
export const FIRST_RETRY_MS = 2_000
/** The longest wait, ms, before its random part. */
export const MAX_RETRY_MS = 30_000

/**
 * How long to wait before dialling a member again after `failures` failed dials in a row (1 or
 * more): doubling from FIRST_RETRY_MS up to MAX_RETRY_MS, times a random factor from 0.5 to 1.5.
 */
export function retryDelayMs (failures: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1))
  return Math.round(base * (0.5 + random()))
}
