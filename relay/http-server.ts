/**
 * The relay's HTTP side: serves the built PWA, tells the app how to reach the libp2p endpoints
 * (`/relay.json`), and reports health (`/health`) and metrics (`/metrics`). The same handler runs
 * over plain HTTP and over HTTPS. It never sees room traffic.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { METRICS_CONTENT_TYPE } from './metrics.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8'
}

/**
 * What the app's pages may load and run. The app's own files are its only scripts: a message
 * that slipped past the view's escaping still could not run code, and nothing injected could
 * read the keys or history. Directive by directive:
 * - scripts, styles, workers, the manifest: the app's own files (no inline script, no eval;
 *   styles set from script through the DOM are not inline styles in this sense);
 * - images: also `blob:` (an attachment opened from memory) and `data:` (a file's thumbnail);
 *   audio and video: also `blob:`;
 * - connections: also any WebSocket (`ws:`/`wss:`): relays listen on their own ports and hosts.
 *   WebRTC between peers is not under this policy;
 * - no plugins, no `<base>` to move relative URLs elsewhere, no framing by other sites (a
 *   framed app could be overlaid to make a user click "Delete" or "Leave"), forms only to itself.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join('; ')

/** The camera reads QR codes; nothing in the app needs the microphone, location or the like. */
export const PERMISSIONS_POLICY = 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()'

export interface HttpServerInit {
  /** Folder of the built PWA. */
  webRoot: string
  /** What `/relay.json` answers. */
  relayInfo: () => unknown
  /** What `/health` answers. */
  health: () => unknown
  /** What `/metrics` answers: Prometheus text. */
  metrics: () => string
}

/** PEM certificate and key for the HTTPS server. */
export interface TlsFiles {
  cert: string
  key: string
}

/** The app over plain HTTP (secure context on localhost only). */
export function createHttpServer (init: HttpServerInit): Server {
  return createServer(handler(init))
}

/** The app over HTTPS, so it is a secure context from any machine on the LAN. */
export function createHttpsServer (init: HttpServerInit, tls: TlsFiles): Server {
  const server = createTlsServer({ cert: tls.cert, key: tls.key }, handler(init))
  // A browser that has not accepted the certificate yet aborts the handshake: that is expected.
  server.on('tlsClientError', (_err, socket) => { socket.destroy() })
  return server
}

function handler (init: HttpServerInit): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(init.webRoot)
  return (req, res) => {
    handle(root, init, req, res).catch(err => {
      res.statusCode = 500
      res.end(String((err as Error).message))
    })
  }
}

async function handle (root: string, init: HttpServerInit, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  res.setHeader('Permissions-Policy', PERMISSIONS_POLICY)
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.statusCode = 405
    res.end()
    return
  }
  // Prefixed, not resolved against a base: a path starting with `//` (a stray slash in a link)
  // would otherwise be read as a host name.
  const path = decodeURIComponent(new URL(`http://x${req.url ?? '/'}`).pathname)
  if (path === '/relay.json') return json(res, init.relayInfo())
  if (path === '/health') return json(res, init.health())
  if (path === '/metrics') {
    res.setHeader('Content-Type', METRICS_CONTENT_TYPE)
    res.setHeader('Cache-Control', 'no-store')
    res.end(init.metrics())
    return
  }

  let file = normalize(join(root, path))
  if (file !== root && !file.startsWith(root + sep)) {
    res.statusCode = 403
    res.end()
    return
  }
  let info = await stat(file).catch(() => undefined)
  if (info?.isDirectory() === true) {
    file = join(file, 'index.html')
    info = await stat(file).catch(() => undefined)
  }
  if (info === undefined) {
    // The app is a single page: unknown paths get the shell, missing assets a 404.
    if (extname(path) !== '') {
      res.statusCode = 404
      res.end('Not found')
      return
    }
    file = join(root, 'index.html')
    info = await stat(file).catch(() => undefined)
    if (info === undefined) {
      res.statusCode = 503
      res.end('The app is not built: run `npm run build`')
      return
    }
  }
  res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream')
  res.setHeader('Content-Length', info.size)
  // Hashed build assets never change; everything else is revalidated.
  res.setHeader('Cache-Control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache')
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(file).pipe(res)
}

function json (res: ServerResponse, value: unknown): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Cache-Control', 'no-store')
  res.end(JSON.stringify(value))
}
