/**
 * The relay's named errors, matched by `name`.
 */

/** Thrown when something that needs a running relay is called before `start()` or after `stop()`. */
export class NotStartedError extends Error {
  static override name = 'NotStartedError'
  constructor (message = 'Relay is not started') {
    super(message)
    this.name = 'NotStartedError'
  }
}

/** Thrown when a command-line option is unknown or its value does not parse. */
export class UsageError extends Error {
  static override name = 'UsageError'
  constructor (message = 'Invalid command line') {
    super(message)
    this.name = 'UsageError'
  }
}

/** Thrown when a TLS certificate or key cannot be read, or they do not belong together. */
export class CertificateError extends Error {
  static override name = 'CertificateError'
  constructor (message = 'Invalid certificate') {
    super(message)
    this.name = 'CertificateError'
  }
}
