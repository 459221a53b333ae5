/**
 * `/metrics` in the Prometheus text exposition format (version 0.0.4): a snapshot of the relay's
 * counters rendered as `# HELP`, `# TYPE` and sample lines.
 */

export interface MetricsSnapshot {
  connections: number
  peers: number
  reservations: number
  maxReservations: number
  maxConnections: number
  /** Bytes relayed through circuits, or undefined when they cannot be counted. */
  relayedBytes?: number
  relayedCircuits?: number
  rendezvousRegistrations: number
  rendezvousNamespaces: number
  discoveredRelays: number
  /** Refusals per limit name since start. */
  limitHits: ReadonlyMap<string, number>
  uptimeSeconds: number
  residentMemoryBytes: number
}

/** The content type Prometheus expects for this format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Renders a snapshot; every metric is prefixed `meshchat_relay_`. */
export function renderMetrics (m: MetricsSnapshot): string {
  const out: string[] = []
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: Array<[labels: string, value: number]>): void => {
    const full = `meshchat_relay_${name}`
    out.push(`# HELP ${full} ${help}`, `# TYPE ${full} ${type}`)
    for (const [labels, value] of samples) out.push(`${full}${labels} ${value}`)
  }
  metric('connections', 'gauge', 'Open libp2p connections.', [['', m.connections]])
  metric('connections_max', 'gauge', 'Configured maximum of libp2p connections.', [['', m.maxConnections]])
  metric('peers', 'gauge', 'Distinct connected peers.', [['', m.peers]])
  metric('reservations', 'gauge', 'Circuit relay reservations held.', [['', m.reservations]])
  metric('reservations_max', 'gauge', 'Configured maximum of circuit relay reservations.', [['', m.maxReservations]])
  if (m.relayedBytes !== undefined) {
    metric('relayed_bytes_total', 'counter', 'Bytes relayed through circuits, both directions.', [['', m.relayedBytes]])
  }
  if (m.relayedCircuits !== undefined) {
    metric('relayed_circuits_total', 'counter', 'Circuits opened between two peers.', [['', m.relayedCircuits]])
  }
  metric('rendezvous_registrations', 'gauge', 'Live rendezvous registrations.', [['', m.rendezvousRegistrations]])
  metric('rendezvous_namespaces', 'gauge', 'Rendezvous namespaces with at least one registration.', [['', m.rendezvousNamespaces]])
  metric('discovered_relays', 'gauge', 'Other relays known (configured or found on the LAN).', [['', m.discoveredRelays]])
  metric('limit_refusals_total', 'counter', 'Requests refused because a limit was reached, by limit.',
    [...m.limitHits.entries()].sort().map(([limit, n]) => [`{limit="${escapeLabel(limit)}"}`, n]))
  metric('uptime_seconds', 'gauge', 'Seconds since the relay started.', [['', Math.round(m.uptimeSeconds)]])
  metric('resident_memory_bytes', 'gauge', 'Resident set size of the relay process.', [['', m.residentMemoryBytes]])
  return out.join('\n') + '\n'
}

function escapeLabel (value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
