/**
 * Counts what the circuit relay server carries: circuits opened and bytes relayed in both
 * directions. The server exposes no such counter (only libp2p's metrics framework would, which
 * the relay does not run), so this wraps its public `stopHop` method, which returns the stop
 * stream to the destination of each new circuit. The server then pipes the source's hop stream
 * into that stream with `send()` and reads the destination's answers from its `message` events:
 * together they are every relayed byte.
 */
import type { Stream } from '@libp2p/interface'

/** The part of `CircuitRelayServer` (circuit-relay-v2/src/server) this wraps. */
interface StopHop {
  stopHop: (init: unknown, options: unknown) => Promise<Stream | undefined>
}

export class RelayedBytes {
  /** Bytes relayed through circuits, both directions. */
  bytes = 0
  /** Circuits the relay opened between two peers. */
  circuits = 0
  /** Whether the server had the method to wrap (false: the counters stay at 0). */
  readonly tracking: boolean

  constructor (server: unknown) {
    const target = server as Partial<StopHop>
    const stopHop = target.stopHop
    this.tracking = typeof stopHop === 'function'
    if (stopHop === undefined) return
    target.stopHop = async (init, options) => {
      const stream = await stopHop.call(server, init, options)
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
    const send = stream.send.bind(stream)
    stream.send = data => {
      this.bytes += data.byteLength
      return send(data)
    }
  }
}
