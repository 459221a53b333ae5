/**
 * The network, loaded lazily: libp2p is most of the app's weight, so the shell and the local
 * history are on screen before this module is even fetched.
 */
import type { Client } from '../../src/client/client.js'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import { Libp2pTransport } from '../../src/net/libp2p-transport.js'
import { network } from './state.js'

interface RelayInfo {
  peerId: string
  wsPort: number
}

/** Connects the client to the relay that served the app, and keeps the status signal current. */
export async function connect (client: Client): Promise<void> {
  network.value = 'connecting'
  const info = await (await fetch('/relay.json', { cache: 'no-store' })).json() as RelayInfo
  const relays = [relayAddress(location.hostname, info)]
  const node = await createMeshNode({ relays })
  client.attachTransport(new Libp2pTransport(node, relays))
  const update = (): void => {
    const relayConnected = node.getConnections().some(c => c.remotePeer.toString() === info.peerId)
    network.value = relayConnected ? 'online' : navigator.onLine ? 'connecting' : 'offline'
  }
  node.addEventListener('connection:open', update)
  node.addEventListener('connection:close', update)
  addEventListener('online', update)
  addEventListener('offline', update)
  update()
}

/** The relay's WebSocket address on the host this page came from, so it works on a LAN too. */
function relayAddress (hostname: string, info: RelayInfo): string {
  const host = hostname.replace(/^\[|\]$/g, '')
  const proto = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? 'ip4' : host.includes(':') ? 'ip6' : 'dns4'
  const ws = location.protocol === 'https:' ? 'wss' : 'ws'
  return `/${proto}/${host}/tcp/${info.wsPort}/${ws}/p2p/${info.peerId}`
}
