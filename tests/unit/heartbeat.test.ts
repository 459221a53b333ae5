import { afterEach, describe, expect, it } from 'vitest'
import { heartbeatIntervalMs, presenceTimeoutMs } from '../../src/room/heartbeat.js'
import { Harness, waitFor } from './room-harness.js'
import type { Member } from './room-harness.js'
import { loadCrypto } from '../../src/crypto/lazy-crypto.js'

await loadCrypto()

describe('heartbeat', () => {
  it('beats every 15 s and shows a member offline after 40 s of silence, up to 15 online', () => {
    for (const online of [1, 2, 10, 15]) {
      expect(heartbeatIntervalMs(online)).toBe(15_000)
      expect(presenceTimeoutMs(online)).toBe(40_000)
    }
  })

  it('in a larger room beats in step with its size: about one heartbeat a second for the whole room', () => {
    expect(heartbeatIntervalMs(30)).toBe(30_000)
    expect(heartbeatIntervalMs(50)).toBe(50_000)
    expect(presenceTimeoutMs(30)).toBe(80_000)
    for (const online of [16, 30, 50, 200]) expect(online / (heartbeatIntervalMs(online) / 1_000)).toBeLessThanOrEqual(1)
  })

  describe('in a room', () => {
    const harness = new Harness()
    afterEach(async () => { await harness.close() })

    it('shows members of a small room offline after 40 s of silence, and of a 20-member room only later', async () => {
      let t = Date.now()
      const now = (): number => t
      const online = (member: Member): number => member.room.members().filter(m => m.online).length
      /** A room whose first member has heard from everyone (key shares are not needed here). */
      const room = async (size: number): Promise<Member[]> => {
        const members: Member[] = []
        for (let i = 0; i < size; i++) {
          const member = await harness.member(`Member ${i}`, { now })
          await harness.enter(member, members[0]?.room.code.display)
          member.client.attachTransport(member.transport)
          members.push(member)
        }
        await waitFor(() => online(members[0]) === size, `${size} online`)
        return members
      }
      const small = await room(3)
      const large = await room(20)
      t += 45_000 // past 40 s; within 8/3 of a 20 s interval
      expect(online(small[0])).toBe(1)
      expect(online(large[0])).toBe(20)
      t += 10_000 // past 53.3 s
      expect(online(large[0])).toBe(1)
    }, 30_000)
  })
})
