/**
 * A contact link: what someone shares so others can send them a contact request without being
 * in a room with them. It travels in a URL fragment (`#contact=...`), which browsers never send
 * to a server.
 *
 * ```
 * contact=1.<public key, 64 hex>.<inbox room secret, 26 base32>.<display name, URI-encoded>
 * ```
 * Holding a link lets one send requests to its owner's inbox and see that sealed notes arrive
 * there; it does not let one read them, nor the owner's rooms.
 */
import { bytesToHex, hexToBytes, utf8 } from '../bytes.js'
import { MalformedError } from '../errors.js'
import { MAX_NAME_BYTES } from '../protocol/constants.js'
import { roomCodeFromSecret } from '../room/room-code.js'

const LINK_VERSION = '1'
const FRAGMENT_KEY = 'contact='

export interface ContactCard {
  /** Ed25519 public key, hex. */
  readonly key: string
  /** The canonical secret of the owner's inbox room. */
  readonly inbox: string
  readonly name: string
}

/** The fragment part (without `#`) for a card. */
export function encodeContactFragment (card: ContactCard): string {
  return `${FRAGMENT_KEY}${LINK_VERSION}.${card.key}.${card.inbox}.${encodeURIComponent(card.name)}`
}

/** A full link: `base` (the app's address) with the card in its fragment. */
export function contactLink (base: string, card: ContactCard): string {
  return `${base.split('#')[0]}#${encodeContactFragment(card)}`
}

/**
 * Reads a card from a link, a fragment, or the bare `1.key.inbox.name` text.
 * @throws MalformedError saying what is wrong
 */
export function parseContactLink (input: string): ContactCard {
  if (typeof input !== 'string') throw new MalformedError('A contact link must be text')
  let text = input.trim()
  const hash = text.indexOf('#')
  if (hash >= 0) text = text.slice(hash + 1)
  if (text.startsWith(FRAGMENT_KEY)) text = text.slice(FRAGMENT_KEY.length)
  const [version, key, inbox, ...nameParts] = text.split('.')
  if (nameParts.length === 0) throw new MalformedError('This is not a contact link')
  const encodedName = nameParts.join('.') // encodeURIComponent leaves dots in a name as they are
  if (version !== LINK_VERSION) throw new MalformedError(`Contact link version ${version} is not supported`)
  if (!/^[0-9a-f]{64}$/.test(key)) throw new MalformedError('The contact link has no valid key')
  try {
    roomCodeFromSecret(inbox)
  } catch {
    throw new MalformedError('The contact link has no valid inbox')
  }
  let name: string
  try {
    name = decodeURIComponent(encodedName).replace(/\s+/g, ' ').trim()
  } catch {
    throw new MalformedError('The name in the contact link is garbled')
  }
  const length = utf8(name).length
  if (length === 0 || length > MAX_NAME_BYTES) throw new MalformedError('The name in the contact link is empty or too long')
  return { key: bytesToHex(hexToBytes(key)), inbox, name }
}
