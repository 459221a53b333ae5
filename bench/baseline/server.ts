/**
 * The baseline: a central WebSocket broadcast server, the usual way to build group chat.
 * Every binary frame a client sends to `/<room>` is relayed as is to every other client in that
 * room. Prints `{"event":"baseline.started","port":N}` when it listens. Loopback only.
 */
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'

const rooms = new Map<string, Set<WebSocket>>()
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 })

server.on('connection', (socket, request) => {
  const room = request.url ?? '/'
  let members = rooms.get(room)
  if (members === undefined) rooms.set(room, members = new Set())
  members.add(socket)
  socket.on('message', (data, isBinary) => {
    if (!isBinary) return
    for (const other of members) {
      if (other !== socket && other.readyState === other.OPEN) other.send(data, { binary: true })
    }
  })
  socket.on('close', () => {
    members.delete(socket)
    if (members.size === 0) rooms.delete(room)
  })
})

server.on('listening', () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  console.log(JSON.stringify({ event: 'baseline.started', port }))
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const client of server.clients) client.terminate()
    server.close(() => process.exit(0))
    setTimeout(() => process.exit(0), 1_000).unref()
  })
}
