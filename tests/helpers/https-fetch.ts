/**
 * HTTPS requests to a relay whose certificate is self-signed: the test trusts exactly the
 * certificate it is given, as a browser does once the user has accepted it.
 */
import { request } from 'node:https'
import { connect } from 'node:tls'
import type { PeerCertificate } from 'node:tls'

export interface HttpsResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** GETs `url`, trusting only `ca` (PEM). */
export async function httpsGet (url: string, ca: string): Promise<HttpsResponse> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { ca, method: 'GET' }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { body += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body }) })
    })
    req.on('error', reject)
    req.end()
  })
}

/** The certificate a TLS server presents on `host:port`, without checking it. */
export async function presentedCertificate (host: string, port: number): Promise<PeerCertificate> {
  return await new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername: host === '127.0.0.1' ? undefined : host, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate())
      socket.end()
    })
    socket.on('error', reject)
  })
}
