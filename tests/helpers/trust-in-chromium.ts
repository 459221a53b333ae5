/**
 * Makes Chromium trust a relay's self-signed certificate as if a user had installed it. The
 * "proceed anyway" that `ignoreHTTPSErrors` gives is not enough for a service worker: Chromium
 * refuses to register one whose script came over a certificate error.
 */
import { createHash, X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The launch flag that trusts the public key of the certificate the relay keeps in `dataDir`. */
export async function chromiumTrustArgs (dataDir: string): Promise<string[]> {
  const pem = await readFile(join(dataDir, 'tls-cert.pem'), 'utf8')
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })
  return [`--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`]
}
