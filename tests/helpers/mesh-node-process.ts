/**
 * A member's libp2p node in a process of its own, so a test can freeze it (SIGSTOP) as a device
 * that vanishes without a word would: run with the relays as a JSON array; it prints
 * `ADDR <its WebRTC address>` once it can be dialled.
 */
import { createMeshNode } from '../../src/net/libp2p-node.js'

const node = await createMeshNode({ relays: JSON.parse(process.argv[2]) as string[] })
const timer = setInterval(() => {
  const addr = node.getMultiaddrs().find(a => a.toString().includes('/webrtc'))
  if (addr === undefined) return
  console.log(`ADDR ${addr.toString()}`)
  clearInterval(timer)
}, 50)
