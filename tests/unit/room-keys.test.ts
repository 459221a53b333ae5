import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { TAG_BYTES, deriveEpochKeys, roomIdOf } from '../../src/crypto/room-keys.js'
import type { EpochKeys } from '../../src/crypto/room-keys.js'
import { generateRoomCode, roomCodeFromSecret } from '../../src/room/room-code.js'

const CODE_A = roomCodeFromSecret('7KQ2MX9D4RT0V1ABCDEFGHJKMN')
const CODE_B = roomCodeFromSecret('7KQ2MX9D4RT0V1ABCDEFGHJKMP') // differs in the last character

/** Every derived value as hex, so they can be compared with each other. */
function values (keys: EpochKeys): Record<string, string> {
  return {
    topic: keys.topic.replace(/^meshchat\/1\//, ''),
    rendezvous: bytesToHex(keys.rendezvous),
    epochId: bytesToHex(keys.epochId),
    tag: bytesToHex(keys.tag),
    frameKey: bytesToHex(keys.frameKey),
    roomId: roomIdOf(keys.code)
  }
}

describe('deriveEpochKeys and roomIdOf', () => {
  it('derive 32-byte keys and ids, an 8-byte tag and a topic of the form meshchat/1/<64 hex digits>', () => {
    const keys = deriveEpochKeys(CODE_A)
    expect(keys.epochId).toHaveLength(32)
    expect(keys.rendezvous).toHaveLength(32)
    expect(keys.frameKey).toHaveLength(32)
    expect(keys.tag).toHaveLength(TAG_BYTES)
    expect(TAG_BYTES).toBe(8)
    expect(keys.topic).toMatch(/^meshchat\/1\/[0-9a-f]{64}$/)
    expect(roomIdOf(CODE_A)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('keep the code and the epoch number they were derived for, 0 by default', () => {
    expect(deriveEpochKeys(CODE_A).number).toBe(0)
    expect(deriveEpochKeys(CODE_A, 3).number).toBe(3)
    expect(deriveEpochKeys(CODE_A).code).toEqual(CODE_A)
  })

  it('give a room id that is none of the epoch\'s network-visible or secret values', () => {
    const v = values(deriveEpochKeys(CODE_A))
    expect(new Set(Object.values(v)).size).toBe(Object.keys(v).length)
    expect(v.roomId).not.toBe(v.epochId)
  })

  it('give the same keys and room id for the same code, however it was obtained', () => {
    const code = generateRoomCode()
    const again = roomCodeFromSecret(code.secret)
    expect(deriveEpochKeys(again)).toEqual(deriveEpochKeys(code))
    expect(roomIdOf(again)).toBe(roomIdOf(code))
  })

  it('give different values for every key when the codes differ by one character, and no value of one reappears in the other', () => {
    const a = values(deriveEpochKeys(CODE_A))
    const b = values(deriveEpochKeys(CODE_B))
    for (const name of Object.keys(a)) expect(b[name], name).not.toBe(a[name])
    expect(Object.values(a).filter(v => Object.values(b).includes(v))).toEqual([])
  })

  it('give different keys, tags and room ids for random codes', () => {
    const ids = new Set<string>()
    const keys = new Set<string>()
    const tags = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const code = generateRoomCode()
      const derived = deriveEpochKeys(code)
      ids.add(roomIdOf(code))
      keys.add(bytesToHex(derived.frameKey))
      tags.add(bytesToHex(derived.tag))
    }
    expect(ids.size).toBe(50)
    expect(keys.size).toBe(50)
    expect(tags.size).toBe(50)
  })

  it('do not reveal the code secret, or any part of its display, in the topic', () => {
    for (const code of [CODE_A, CODE_B, generateRoomCode()]) {
      const topic = deriveEpochKeys(code).topic.toUpperCase()
      expect(topic).not.toContain(code.secret)
      for (const group of code.display.split('-')) expect(topic).not.toContain(group)
    }
  })

  it('do not put the frame key, epoch id or rendezvous into the public topic', () => {
    const keys = deriveEpochKeys(CODE_A)
    expect(keys.topic).not.toContain(bytesToHex(keys.frameKey))
    expect(keys.topic).not.toContain(bytesToHex(keys.epochId))
    expect(keys.topic).not.toContain(bytesToHex(keys.rendezvous))
    expect(keys.topic).not.toContain(roomIdOf(CODE_A))
  })
})
