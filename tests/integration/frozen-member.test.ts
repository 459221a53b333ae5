/**
 * A member whose device freezes or vanishes without closing anything: its WebRTC connection is
 * closed by WebRTC's own keep-alives. Nothing else pings members' connections (libp2p's connection
 * monitor is off, see libp2p-node.ts), so this is what stops a room counting a member who is gone.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../src/net/libp2p-node.js'
import type { MeshNode } from '../../src/net/libp2p-node.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/node-peer.js'

describe('a member that freezes', () => {
  let relay: RelayProcess
  let node: MeshNode
  let frozen: ChildProcess
  let frozenAddr: string

  beforeAll(async () => {
    relay = await startRelayProcess()
    node = await createMeshNode({ relays: relay.multiaddrs })
    // node itself, not the tsx wrapper, so that SIGSTOP freezes the node
    frozen = spawn(process.execPath, ['--import', 'tsx', join('tests', 'helpers', 'mesh-node-process.ts'), JSON.stringify(relay.multiaddrs)],
      { stdio: ['ignore', 'pipe', 'inherit'] })
    frozenAddr = await new Promise<string>((resolve, reject) => {
      frozen.once('exit', code => { reject(new Error(`member process exited with ${code}`)) })
      createInterface({ input: frozen.stdout! }).on('line', line => { if (line.startsWith('ADDR ')) resolve(line.slice(5)) })
    })
  }, 60_000)

  afterAll(async () => {
    frozen?.kill('SIGKILL')
    await node?.stop()
    await relay?.stop()
  })

  it('loses its direct connection within half a minute', async () => {
    const connection = await node.dial(multiaddr(frozenAddr), { signal: AbortSignal.timeout(15_000) })
    expect(connection.remoteAddr.toString()).toContain('/webrtc')
    const direct = (): number => node.getConnections(connection.remotePeer).filter(c => c.limits === undefined).length
    expect(direct()).toBe(1)
    frozen.kill('SIGSTOP')
    await waitFor(() => direct() === 0, 30_000, () => `${direct()} direct connections to the frozen member`)
  }, 60_000)
})
