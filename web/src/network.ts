/**
 * The network, loaded lazily: libp2p is most of the app's weight, so the shell and the local
 * history are on screen before this module is even fetched.
 */
import type { Client } from '../../src/client/client.js'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import { Libp2pTransport } from '../../src/net/libp2p-transport.js'
import { answeringRelays } from './probe-relay.js'
import { relayCandidates } from './relay-addresses.js'
import type { RelayJson } from './relay-addresses.js'
import { memberConnected, network } from './state.js'

/**
 * Connects the client through every relay that answers (the one that served the app, and the
 * others `info` lists), and keeps the status signal current.
 */
export async function connect (client: Client, info: RelayJson): Promise<void> {
  network.value = 'connecting'
  const candidates = relayCandidates(location.hostname, location.protocol === 'https:', info)
  // When none answers, try the page's own relay anyway: the error then says what failed. So with
  // one relay there is nothing to choose, and its probe would only delay the start.
  const answering = candidates.length > 1 ? await answeringRelays(candidates) : candidates
  const chosen = answering.length > 0 ? answering : candidates.slice(0, 1)
  const relays = chosen.map(c => c.addr)
  const relayPeers = new Set(chosen.map(c => c.peerId))
  const node = await createMeshNode({ relays, iceServers: info.stunServers ?? [] })
  client.attachTransport(new Libp2pTransport(node, relays))
  let reached = false
  const update = (): void => {
    const relayConnected = node.getConnections().some(c => relayPeers.has(c.remotePeer.toString()))
    reached ||= relayConnected
    // Until the relay first answers it is being dialled; losing it afterwards means offline.
    network.value = relayConnected ? 'online' : navigator.onLine && !reached ? 'connecting' : 'offline'
    memberConnected.value = node.getConnections().some(c => c.limits === undefined && !relayPeers.has(c.remotePeer.toString()))
  }
  node.addEventListener('connection:open', update)
  node.addEventListener('connection:close', update)
  addEventListener('online', update)
  addEventListener('offline', update)
  update()
}
