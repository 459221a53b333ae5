/**
 * The relay's TLS certificate: one the operator provides, or a self-signed one it generates on
 * first start for this machine's LAN names and keeps in the data directory. Browsers ask the user
 * to accept a self-signed certificate once; the printed SHA-256 fingerprint lets them check that
 * what they accept is this relay's.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { access, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generate } from 'selfsigned'
import { CERTIFICATE_RENEW_DAYS, CERTIFICATE_VALIDITY_DAYS } from './constants.js'
import { CertificateError } from './errors.js'
import type { LanNames } from './lan-names.js'

const DAY_MS = 24 * 60 * 60 * 1000

export interface TlsCertificate {
  /** PEM certificate (chain), as `https.createServer` takes it. */
  readonly cert: string
  /** PEM private key. */
  readonly key: string
  /** SHA-256 fingerprint, colon-separated hex, as browsers show it. */
  readonly fingerprint256: string
  /** Last day of validity. */
  readonly validTo: Date
  /** Where it came from: the operator's files, a kept generated one, or a new one. */
  readonly source: 'files' | 'reused' | 'generated'
  /** Why a new one was generated, when it was. */
  readonly reason?: string
}

/** Reads an operator-provided certificate and key, and checks that they belong together. */
export async function loadCertificateFiles (certPath: string, keyPath: string): Promise<TlsCertificate> {
  let cert: string, key: string
  try {
    [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')])
  } catch (err) {
    throw new CertificateError(`Cannot read the certificate or key: ${(err as Error).message}`)
  }
  const x509 = parse(cert, certPath)
  let matches = false
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key))
  } catch (err) {
    throw new CertificateError(`"${keyPath}" is not a PEM private key: ${(err as Error).message}`)
  }
  if (!matches) throw new CertificateError(`The key in "${keyPath}" does not belong to the certificate in "${certPath}"`)
  return { cert, key, fingerprint256: x509.fingerprint256, validTo: new Date(x509.validTo), source: 'files' }
}

/**
 * Returns the certificate kept in `dir` when it still covers `names` and is not about to expire;
 * otherwise generates a new one there (key readable by the owner only).
 */
export async function loadOrCreateCertificate (dir: string, names: LanNames, now = new Date()): Promise<TlsCertificate> {
  const certPath = join(dir, 'tls-cert.pem')
  const keyPath = join(dir, 'tls-key.pem')
  let reason = 'no certificate yet'
  if (await exists(certPath) || await exists(keyPath)) {
    try {
      const kept = await loadCertificateFiles(certPath, keyPath)
      const missing = uncovered(kept.cert, names)
      if (kept.validTo.getTime() - now.getTime() < CERTIFICATE_RENEW_DAYS * DAY_MS) reason = 'about to expire'
      else if (missing.length > 0) reason = `does not cover ${missing.join(', ')}`
      else return { ...kept, source: 'reused' }
    } catch (err) {
      // A damaged pair is replaced rather than fatal: the relay generated it, not the operator.
      reason = (err as Error).message
    }
  }
  const pems = await generate([{ name: 'commonName', value: names.dns.find(n => n !== 'localhost') ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate: new Date(now.getTime() + CERTIFICATE_VALIDITY_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.dns.map(value => ({ type: 2 as const, value })),
          ...names.ips.map(ip => ({ type: 7 as const, ip }))
        ]
      }
    ]
  })
  await mkdir(dir, { recursive: true })
  await writeFile(keyPath, pems.private, { mode: 0o600 })
  await writeFile(certPath, pems.cert)
  const x509 = parse(pems.cert, certPath)
  return { cert: pems.cert, key: pems.private, fingerprint256: x509.fingerprint256, validTo: new Date(x509.validTo), source: 'generated', reason }
}

async function exists (path: string): Promise<boolean> {
  return await access(path).then(() => true, () => false)
}

function parse (cert: string, path: string): X509Certificate {
  try {
    return new X509Certificate(cert)
  } catch (err) {
    throw new CertificateError(`"${path}" is not a PEM certificate: ${(err as Error).message}`)
  }
}

/** Names and addresses in `names` that the certificate's subjectAltName does not list. */
function uncovered (cert: string, names: LanNames): string[] {
  const san = new X509Certificate(cert).subjectAltName ?? ''
  const listed = new Set(san.split(',').map(entry => entry.trim().replace(/^(DNS|IP Address):/, '').toLowerCase()))
  return [...names.dns, ...names.ips].filter(name => !listed.has(name.toLowerCase()) && !listed.has(expandIpv6(name)))
}

/** Node prints IPv6 SAN entries in full form (`0:0:0:0:0:0:0:1`); compare them that way. */
function expandIpv6 (ip: string): string {
  if (!ip.includes(':')) return ip
  const [head, tail = ''] = ip.toLowerCase().split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  const fill = ip.includes('::') ? Array(8 - left.length - right.length).fill('0') : []
  return [...left, ...fill, ...right].map(part => part.replace(/^0+(?=.)/, '')).join(':')
}
