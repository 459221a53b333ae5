/**
 * Makes this test process trust a relay's self-signed certificate, as a user does by accepting
 * it once in the browser. libp2p's WebSockets transport dials with the platform `WebSocket`,
 * which takes no TLS options; in Node it honours the process's default CA list.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { getCACertificates, setDefaultCACertificates } from 'node:tls'

/** Adds the certificate the relay keeps in `dataDir` to this process's trusted CAs. */
export async function trustRelayCertificate (dataDir: string): Promise<string> {
  const pem = await readFile(join(dataDir, 'tls-cert.pem'), 'utf8')
  setDefaultCACertificates([...getCACertificates('default'), pem])
  return pem
}
