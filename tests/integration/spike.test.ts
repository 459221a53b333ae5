import { it, expect } from 'vitest'
import { startRelayProcess } from '../helpers/relay-process.js'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import { Libp2pTransport } from '../../src/net/libp2p-transport.js'
import { Client } from '../../src/client/client.js'
import { MemoryStore } from '../../src/store/memory-store.js'

it('spike', async () => {
  const relay = await startRelayProcess()
  console.log(relay.multiaddrs)
  const peers = []
  for (let i = 0; i < 3; i++) {
    const node = await createMeshNode({ relays: relay.multiaddrs })
    const transport = new Libp2pTransport(node, relay.multiaddrs)
    const client = await Client.open({ store: new MemoryStore() })
    await client.setDisplayName('p' + i)
    client.attachTransport(transport)
    peers.push({ node, transport, client })
  }
  const t0 = Date.now()
  const room0 = await peers[0].client.createRoom()
  const rooms = [room0, await peers[1].client.joinRoom(room0.code.display), await peers[2].client.joinRoom(room0.code.display)]
  const got: string[][] = [[], [], []]
  rooms.forEach((r, i) => r.on('message', m => got[i].push(m.text)))
  while (rooms.some(r => r.peerCount < 2)) { await new Promise(r => setTimeout(r, 100)); if (Date.now() - t0 > 20000) break }
  console.log('mesh after', Date.now() - t0, rooms.map(r => r.peerCount), peers.map(p => p.node.getConnections().map(c => c.remoteAddr.toString())))
  await rooms[0].send('hello')
  await new Promise(r => setTimeout(r, 1000))
  console.log(got)
  for (const p of peers) { p.transport.stop(); await p.client.close(); await p.node.stop() }
  await relay.stop()
}, 60000)
