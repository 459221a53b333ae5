import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { deriveRoomKeys } from '../../src/crypto/room-keys.js'
import { generateRoomCode, roomCodeFromSecret } from '../../src/room/room-code.js'
import type { RoomKeys } from '../../src/crypto/room-keys.js'

const CODE_A = roomCodeFromSecret('7KQ2MX9D4RT0V1ABCDEFGHJKMN')
const CODE_B = roomCodeFromSecret('7KQ2MX9D4RT0V1ABCDEFGHJKMP') // differs in the last character

/** Every derived value as hex, so they can be compared with each other. */
function values (keys: RoomKeys): Record<string, string> {
  return {
    topic: keys.topic.replace(/^meshchat\/1\//, ''),
    rendezvous: bytesToHex(keys.rendezvous),
    roomId: bytesToHex(keys.roomId),
    messageKey: bytesToHex(keys.messageKey)
  }
}

describe('deriveRoomKeys', () => {
  it('derives 32-byte values and a topic of the form meshchat/1/<64 hex digits>', () => {
    const keys = deriveRoomKeys(CODE_A)
    expect(keys.roomId).toHaveLength(32)
    expect(keys.rendezvous).toHaveLength(32)
    expect(keys.messageKey).toHaveLength(32)
    expect(keys.topic).toMatch(/^meshchat\/1\/[0-9a-f]{64}$/)
  })

  it('uses the hex of the room id as the local id', () => {
    const keys = deriveRoomKeys(CODE_A)
    expect(keys.id).toBe(bytesToHex(keys.roomId))
  })

  it('gives topic, rendezvous, room id and message key that all differ from each other', () => {
    const all = Object.values(values(deriveRoomKeys(CODE_A)))
    expect(new Set(all).size).toBe(4)
  })

  it('gives the same keys for the same code, however it was obtained', () => {
    const code = generateRoomCode()
    const again = roomCodeFromSecret(code.secret)
    expect(deriveRoomKeys(again)).toEqual(deriveRoomKeys(code))
  })

  it('gives different values for every key when the codes differ by one character', () => {
    const a = values(deriveRoomKeys(CODE_A))
    const b = values(deriveRoomKeys(CODE_B))
    for (const name of Object.keys(a)) expect(b[name], name).not.toBe(a[name])
    // and no value of one room reappears as any value of the other
    const overlap = Object.values(a).filter(v => Object.values(b).includes(v))
    expect(overlap).toEqual([])
  })

  it('gives different keys for random codes', () => {
    const ids = new Set<string>()
    const keys = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const derived = deriveRoomKeys(generateRoomCode())
      ids.add(derived.id)
      keys.add(bytesToHex(derived.messageKey))
    }
    expect(ids.size).toBe(50)
    expect(keys.size).toBe(50)
  })

  it('does not reveal the code secret, or any part of its display, in the topic', () => {
    for (const code of [CODE_A, CODE_B, generateRoomCode()]) {
      const topic = deriveRoomKeys(code).topic.toUpperCase()
      expect(topic).not.toContain(code.secret)
      for (const group of code.display.split('-')) expect(topic).not.toContain(group)
    }
  })

  it('does not derive the message key from the public topic in any obvious way', () => {
    const keys = deriveRoomKeys(CODE_A)
    expect(keys.topic).not.toContain(bytesToHex(keys.messageKey))
    expect(keys.topic).not.toContain(bytesToHex(keys.roomId))
    expect(keys.topic).not.toContain(bytesToHex(keys.rendezvous))
  })
})
