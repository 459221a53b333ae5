/**
 * Limits of file transfer, in one place: the sender, the decoder and the serving side all read
 * them from here.
 */

/** Largest file a member can send, in bytes. */
export const MAX_FILE_BYTES = 25 * 1024 * 1024
/** Plaintext bytes per chunk. 64 KiB keeps one sealed chunk within one WebRTC-friendly frame. */
export const CHUNK_BYTES = 64 * 1024
/** Largest inline thumbnail (JPEG/PNG/WebP bytes) carried in the room message itself. */
export const MAX_THUMBNAIL_BYTES = 12 * 1024
/** Largest caption, in UTF-8 bytes. */
export const MAX_CAPTION_BYTES = 4 * 1024
/** Largest file name, in UTF-8 bytes. */
export const MAX_FILE_NAME_BYTES = 200
/** Largest MIME type, in bytes. */
export const MAX_MIME_BYTES = 100
/** Images up to this size are fetched as soon as their message arrives; anything else on request. */
export const AUTO_DOWNLOAD_BYTES = 5 * 1024 * 1024

/** The libp2p protocol for direct chunk requests. */
export const FILE_PROTOCOL = '/meshchat/file/1.0.0'
/** Chunks asked for in one request; a holder never sends more per request. */
export const MAX_CHUNKS_PER_REQUEST = 64
/** Requests one peer may have open at this holder at once; more are answered "busy". */
export const MAX_SERVES_PER_PEER = 2
/** Requests this holder serves at once, from everyone; more are answered "busy". */
export const MAX_SERVES = 8
/** A request whose next chunk takes longer than this to arrive is given up (the peer is gone). */
export const CHUNK_TIMEOUT_MS = 15_000
/** Pause between attempts while no connected peer has the file. */
export const RETRY_INTERVAL_MS = 3_000
/**
 * Members not connected to us asked per attempt, after every connected peer: in a large room the
 * file's holder may be one of them, and asking connects to it first.
 */
export const FAR_PEERS_PER_ROUND = 3
/** Attempts without any progress before a download is declared unavailable (the user can retry). */
export const MAX_IDLE_ATTEMPTS = 10
