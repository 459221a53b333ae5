/**
 * The names and addresses other machines on the LAN may use to reach this one: what a generated
 * certificate must cover for a browser to accept it for the page and the WSS endpoint alike.
 */
import { hostname, networkInterfaces } from 'node:os'

export interface LanNames {
  /** DNS names: localhost, the host name, and its `.local` (mDNS) form. */
  dns: string[]
  /** IPv4 and IPv6 addresses of every interface, loopback included. */
  ips: string[]
}

/**
 * Collects this machine's names. `extra` adds names the operator announces (a host name or IP
 * given with `--host` or `--announce`); wildcard addresses are skipped.
 */
export function lanNames (extra: string[] = []): LanNames {
  const dns = new Set(['localhost'])
  const ips = new Set(['127.0.0.1', '::1'])
  const host = hostname().toLowerCase()
  if (host !== '' && host !== 'localhost') {
    dns.add(host)
    // Many LANs resolve machines as `<name>.local` through mDNS.
    if (!host.includes('.')) dns.add(`${host}.local`)
  }
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) {
      // Link-local IPv6 addresses need a zone id, which a certificate cannot name.
      if (entry.family === 'IPv6' && entry.address.toLowerCase().startsWith('fe80')) continue
      ips.add(entry.address)
    }
  }
  for (const name of extra) {
    if (name === '' || name === '0.0.0.0' || name === '::') continue
    if (/^[\d.]+$/.test(name) || name.includes(':')) ips.add(name)
    else dns.add(name.toLowerCase())
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() }
}
