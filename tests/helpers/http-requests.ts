/**
 * Raw HTTP(S) requests for tests. Plain: the path goes out exactly as written (`fetch` would
 * resolve `..` in it first). HTTPS to a relay whose certificate is self-signed: the test trusts
 * exactly the certificate it is given, as a browser does once the user has accepted it.
 */
import { request as httpRequest } from 'node:http'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:tls'
import type { PeerCertificate } from 'node:tls'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** Sends `path` to `127.0.0.1:port` as is. */
export async function rawHttp (port: number, path: string, method = 'GET'): Promise<RawResponse> {
  return await answer(onResponse => httpRequest({ host: '127.0.0.1', port, path, method }, onResponse))
}

/** GETs `url`, trusting only `ca` (PEM). */
export async function httpsGet (url: string, ca: string): Promise<RawResponse> {
  return await answer(onResponse => httpsRequest(url, { ca, method: 'GET' }, onResponse))
}

async function answer (send: (onResponse: (res: IncomingMessage) => void) => ClientRequest): Promise<RawResponse> {
  return await new Promise((resolve, reject) => {
    const req = send(res => {
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
