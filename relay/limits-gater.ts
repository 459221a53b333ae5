/**
 * The relay's resource limits, enforced as a libp2p connection gater so that every refusal goes
 * through `LimitLog` (a counted, structured log line). libp2p's own caps refuse silently; the
 * relay sets them just above these so that these are the ones that trip.
 */
import type { Connection, ConnectionGater, MultiaddrConnection, PeerId } from '@libp2p/interface'
import { tryGetNetConfig } from '@libp2p/utils'
import type { LimitLog } from './limit-log.js'

export interface LimitsGaterInit {
  /** libp2p connections held at once. */
  maxConnections: number
  /** libp2p connections from one IP address. */
  maxConnectionsPerIp: number
  /** Circuit relay reservations held at once. */
  maxReservations: number
}

export interface LimitsGaterComponents {
  /** The node's open connections (read at each decision: the node is created after the gater). */
  connections: () => Connection[]
  /** The relay service's current reservations, or undefined before the node exists. */
  reservations: () => { readonly size: number, has(peer: PeerId): boolean } | undefined
  limits: LimitLog
}

/** Creates the gater; pass it as `connectionGater` to `createLibp2p`. */
export function limitsGater (init: LimitsGaterInit, components: LimitsGaterComponents): ConnectionGater {
  return {
    // Browsers dial the relay on private and loopback addresses on a LAN: nothing to deny there.
    denyDialMultiaddr: () => false,
    denyInboundConnection: (maConn: MultiaddrConnection): boolean => {
      const connections = components.connections()
      if (connections.length >= init.maxConnections) {
        components.limits.hit('relay.limit', 'maxConnections', { value: init.maxConnections, remote: hostOf(maConn) })
        return true
      }
      const host = hostOf(maConn)
      if (host === undefined) return false
      let fromHost = 0
      for (const connection of connections) {
        if (connection.direction === 'inbound' && hostOfAddr(connection.remoteAddr) === host) fromHost++
      }
      if (fromHost >= init.maxConnectionsPerIp) {
        components.limits.hit('relay.limit', 'maxConnectionsPerIp', { value: init.maxConnectionsPerIp, remote: host })
        return true
      }
      return false
    },
    denyInboundRelayReservation: (peer: PeerId): boolean => {
      const reservations = components.reservations()
      if (reservations === undefined || reservations.has(peer)) return false // a refresh
      if (reservations.size >= init.maxReservations) {
        components.limits.hit('relay.limit', 'maxReservations', { value: init.maxReservations, peer: peer.toString() })
        return true
      }
      return false
    }
  }
}

function hostOf (maConn: MultiaddrConnection): string | undefined {
  return hostOfAddr(maConn.remoteAddr)
}

function hostOfAddr (addr: Connection['remoteAddr']): string | undefined {
  return tryGetNetConfig(addr)?.host
}
