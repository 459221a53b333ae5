/**
 * Counts what the circuit relay server carries: circuits opened and bytes relayed in both
 * directions. The server exposes no such counter (only libp2p's metrics framework would, which
 * the relay does not run), so this wraps two of its public methods: `handleConnect`, which
 * receives the source's hop stream, and `stopHop`, which returns the destination's stop stream.
 * Both streams emit a `message` event per chunk received; relayed bytes are the sum of both.
 */
import type { Stream } from '@libp2p/interface'

/** The part of `CircuitRelayServer` (circuit-relay-v2/src/server) this reads. */
interface RelayServerMethods {
  handleConnect: (init: { stream: { unwrap(): Stream } }, options: unknown) => Promise<void>
  stopHop: (init: unknown, options: unknown) => Promise<Stream | undefined>
}

export class RelayedBytes {
  /** Bytes received from either end of a relayed circuit and passed on to the other. */
  bytes = 0
  /** Circuits the relay opened between two peers. */
  circuits = 0
  /** Whether the server had the methods to wrap (false: the counters stay at 0). */
  readonly tracking: boolean

  constructor (server: unknown) {
    const methods = server as Partial<RelayServerMethods>
    const handleConnect = methods.handleConnect
    const stopHop = methods.stopHop
    this.tracking = typeof handleConnect === 'function' && typeof stopHop === 'function'
    if (!this.tracking) return
    methods.handleConnect = async (init, options) => {
      this.count(init.stream.unwrap())
      await handleConnect!.call(server, init, options)
    }
    methods.stopHop = async (init, options) => {
      const stream = await stopHop!.call(server, init, options)
      if (stream !== undefined) {
        this.circuits++
        this.count(stream)
      }
      return stream
    }
  }

  private count (stream: Stream): void {
    stream.addEventListener('message', event => {
      this.bytes += event.data.byteLength
    })
  }
}
