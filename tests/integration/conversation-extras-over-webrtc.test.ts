/**
 * Replies, join and leave notices, avatar colours and "last seen" between real Node peers over
 * real WebRTC, through a real relay process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/bytes.js'
import { Kind } from '../../src/protocol/bodies.js'
import type { Room } from '../../src/room/room.js'
import type { MessageRecord } from '../../src/store/store.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { startNodePeer, waitFor, waitForPeers } from '../helpers/node-peer.js'
import type { NodePeer } from '../helpers/node-peer.js'

describe('replies, notices, colours and last seen over WebRTC', () => {
  let relay: RelayProcess
  let ada: NodePeer
  let ben: NodePeer
  let adaRoom: Room
  let benRoom: Room
  const adaGot: MessageRecord[] = []

  beforeAll(async () => {
    relay = await startRelayProcess()
    ada = await startNodePeer('Ada', relay.multiaddrs, { membershipNotices: true })
    ben = await startNodePeer('Ben', relay.multiaddrs, { membershipNotices: true })
    adaRoom = await ada.client.createRoom()
    adaRoom.on('message', m => { adaGot.push(m) })
    benRoom = await ben.client.joinRoom(adaRoom.code.display)
    await waitForPeers([adaRoom, benRoom], 1)
  }, 60_000)

  afterAll(async () => {
    await ada?.stop()
    await ben?.stop()
    await relay?.stop()
  })

  const key = (peer: NodePeer): string => bytesToHex(peer.client.identity.publicKey)
  let adaHistory: MessageRecord[] = []
  let benHistory: MessageRecord[] = []
  const refresh = async (): Promise<void> => {
    adaHistory = await adaRoom.history()
    benHistory = await benRoom.history()
  }
  const poll = async (condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      await refresh()
      if (condition()) return
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }

  it('puts each join notice once in both logs', async () => {
    const joined = (list: MessageRecord[]): string[] => list.filter(m => m.membership === 'joined').map(m => m.name)
    await poll(() => joined(adaHistory).length === 2 && joined(benHistory).length === 2, 'both join notices on both sides')
    expect(joined(adaHistory)).toEqual(['Ada', 'Ben'])
    expect(joined(benHistory)).toEqual(['Ada', 'Ben'])
  }, 30_000)

  it('delivers a reply with the message it quotes', async () => {
    const question = await adaRoom.send('tea or coffee?')
    await poll(() => benHistory.some(m => m.text === 'tea or coffee?'), 'the question')
    const reply = await benRoom.reply(key(ada), question.seq, 'tea, thanks')
    expect(reply.state).toBe('sent')
    await poll(() => adaHistory.some(m => m.text === 'tea, thanks'), 'the reply')
    expect(adaHistory.find(m => m.text === 'tea, thanks')).toMatchObject({
      kind: Kind.Reply, author: key(ben), replyTo: { author: key(ada), seq: question.seq }
    })
  }, 30_000)

  it('shows the colour Ada picks to Ben', async () => {
    await ada.client.setAvatarColour(8)
    await waitFor(() => benRoom.members().find(m => m.key === key(ada))?.colour === 8, 20_000, () => 'Ben to see Ada\'s colour')
  }, 30_000)

  it('tells Ada that Ben left, and shows him offline with when he was last seen', async () => {
    const before = Date.now()
    await ben.client.leaveRoom(benRoom.id)
    await poll(() => adaHistory.some(m => m.membership === 'left' && m.author === key(ben)), 'the leave notice')
    await waitFor(() => adaRoom.members().find(m => m.key === key(ben))?.online === false, 20_000, () => 'Ben offline')
    const seen = adaRoom.members().find(m => m.key === key(ben))?.lastSeen ?? 0
    expect(seen).toBeGreaterThanOrEqual(before)
    expect(adaGot.filter(m => m.kind === Kind.Membership && m.author === key(ben)).map(m => m.membership)).toEqual(['joined', 'left'])
  }, 30_000)
})
