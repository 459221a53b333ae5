/**
 * A child process holding many lightweight relay clients: WebSockets + noise + yamux + identify
 * + the circuit relay transport, each listening on `<relay>/p2p-circuit` (so it asks the relay
 * for a reservation). Nothing else: no WebRTC, no gossipsub.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { serveWorker } from './lib/procs.js'
import { sleep } from './lib/util.js'

const nodes: Libp2p[] = []
let failures = 0
let stopping = false

const reserved = (): number => nodes.filter(n => n.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit'))).length

serveWorker({
  /** Starts up to `count` clients, `concurrency` at a time, until `deadline` (epoch ms). */
  async start ({ relay, count, concurrency, deadline }: { relay: string, count: number, concurrency: number, deadline: number }) {
    let next = 0
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count && Date.now() < deadline && !stopping) {
        next++
        let started = false
        for (let attempt = 0; attempt < 20 && !started && Date.now() < deadline && !stopping; attempt++) {
          try {
            nodes.push(await createLibp2p({
              addresses: { listen: [`${relay}/p2p-circuit`] },
              transports: [webSockets(), circuitRelayTransport()],
              connectionEncrypters: [noise()],
              streamMuxers: [yamux()],
              connectionGater: { denyDialMultiaddr: async () => false },
              services: { identify: identify() }
            }))
            started = true
          } catch {
            // Refused (the relay's per-address connection rate limit, or full): wait and retry.
            failures++
            await sleep(200 + Math.random() * 300)
          }
        }
      }
    }))
    return { started: nodes.length, reserved: reserved(), failures }
  },

  async count () {
    return { started: nodes.length, reserved: reserved(), failures }
  }
}, async () => {
  stopping = true
  await Promise.all(nodes.map(async n => { await Promise.resolve(n.stop()).catch(() => {}) }))
})
