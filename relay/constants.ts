/**
 * The relay's defaults, in one place. `RelayInit` options fall back to these with `??`.
 */

/** Interface to listen on: this machine only, unless the operator opens it to the LAN. */
export const DEFAULT_HOST = '127.0.0.1'
/** Plain HTTP for the app; browsers treat `http://localhost` as a secure context. */
export const DEFAULT_HTTP_PORT = 8080
/** HTTPS for the app, so a page opened from another machine on the LAN is a secure context. */
export const DEFAULT_HTTPS_PORT = 8443
/** Plain WebSockets for libp2p, used by pages served over HTTP. */
export const DEFAULT_WS_PORT = 9090
/** Secure WebSockets for libp2p, used by pages served over HTTPS (mixed content is blocked). */
export const DEFAULT_WSS_PORT = 9443
export const DEFAULT_DATA_DIR = '.data/relay'
export const DEFAULT_WEB_ROOT = 'dist/web'

/** Circuit relay reservations held at once: one per connected member. */
export const DEFAULT_MAX_RESERVATIONS = 1_000
/** libp2p connections held at once. */
export const DEFAULT_MAX_CONNECTIONS = 2_000
/**
 * libp2p connections from one IP address. Generous: several members can share a machine or a
 * NAT, and a member holds one connection to the relay.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 64

/** New connections a second accepted from one IP address (libp2p refuses the rest). */
export const NEW_CONNECTIONS_PER_SECOND_PER_IP = 50

/** mDNS service name under which relays announce themselves to each other on a LAN. */
export const MDNS_SERVICE_TAG = '_meshchat-relay._udp.local'
/** How often relays ask the LAN who else is there, ms. */
export const MDNS_INTERVAL_MS = 10_000
/** A relay discovered by mDNS is dropped from relay.json when not seen again for this long, ms. */
export const DISCOVERED_RELAY_TTL_MS = 60_000

/** Lifetime of a generated certificate, days. 397 keeps it under every browser's cap. */
export const CERTIFICATE_VALIDITY_DAYS = 397
/** A generated certificate is replaced this many days before it expires. */
export const CERTIFICATE_RENEW_DAYS = 30

/** How long a graceful shutdown may take before the process exits anyway, ms. */
export const SHUTDOWN_TIMEOUT_MS = 5_000
/** Repeated log lines for one limit are folded into one line per this interval, ms. */
export const LIMIT_LOG_INTERVAL_MS = 10_000
