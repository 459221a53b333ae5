/**
 * Wire limits and identifiers, in one place. Changing a limit here changes it for encode and
 * decode alike.
 */

/** The only frame version this build speaks. */
export const FRAME_VERSION = 1
/** Largest frame accepted from the network, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024
/** Largest message body (kind-specific payload), in bytes. */
export const MAX_BODY_BYTES = 60 * 1024
/** Largest text of a chat message, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 16 * 1024
/** Largest display name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 64

export const NONCE_BYTES = 24
export const AEAD_TAG_BYTES = 16
export const KEY_BYTES = 32
export const SIGNATURE_BYTES = 64
export const EPOCH_TAG_BYTES = 8
export const CHAIN_ID_BYTES = 8
/** kind(1) + author(32) + seq(8) + timestamp(8) + body length(4) */
export const MESSAGE_HEADER_BYTES = 1 + 32 + 8 + 8 + 4
/** mode(1) + author(32) + chainId(8) + index(4) */
export const PAYLOAD_HEADER_BYTES = 1 + 32 + CHAIN_ID_BYTES + 4

/** Domain separation strings: a signature or ciphertext made for one purpose is useless in another. */
export const SIGNATURE_CONTEXT = 'meshchat/message/v1'
export const FRAME_CONTEXT = 'meshchat/frame/v1'
export const CHAIN_CONTEXT = 'meshchat/chain/v1'
