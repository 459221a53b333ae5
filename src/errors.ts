/**
 * Named error classes. Callers match on `err.name`, never on message text.
 */

/** Thrown when bytes from the network do not have the shape of a frame or message. */
export class MalformedError extends Error {
  constructor (message = 'Malformed data') { super(message); this.name = 'MalformedError' }
}

/** Thrown when a frame is larger than the protocol allows. */
export class TooLargeError extends Error {
  constructor (message = 'Too large') { super(message); this.name = 'TooLargeError' }
}

/** Thrown when a frame carries a protocol version this build does not speak. */
export class UnsupportedVersionError extends Error {
  constructor (message = 'Unsupported protocol version') { super(message); this.name = 'UnsupportedVersionError' }
}

/** Thrown when a frame does not decrypt under the room key (wrong room, or tampered). */
export class DecryptError extends Error {
  constructor (message = 'Could not decrypt: wrong room key or tampered data') { super(message); this.name = 'DecryptError' }
}

/** Thrown when a message's signature does not verify against its claimed author. */
export class BadSignatureError extends Error {
  constructor (message = 'Signature does not verify') { super(message); this.name = 'BadSignatureError' }
}

/** Thrown when a message was already received (same author and sequence number). */
export class ReplayError extends Error {
  constructor (message = 'Message already received') { super(message); this.name = 'ReplayError' }
}

/** Thrown when a typed room code is not a valid code (wrong length, characters or checksum). */
export class InvalidRoomCodeError extends Error {
  constructor (message = 'Not a valid room code') { super(message); this.name = 'InvalidRoomCodeError' }
}

/** Thrown when a method that needs a started object is called before `start()`. */
export class NotStartedError extends Error {
  constructor (message = 'Not started') { super(message); this.name = 'NotStartedError' }
}

/** Thrown when a frame names an epoch (key) this peer does not hold. */
export class UnknownEpochError extends Error {
  constructor (message = 'Frame is for an epoch this device does not have') { super(message); this.name = 'UnknownEpochError' }
}

/** Thrown when a chained frame's sender chain is not (yet) known, or its key was already used. */
export class MissingKeyError extends Error {
  constructor (message = 'No key for this message (yet)') { super(message); this.name = 'MissingKeyError' }
}

/** Thrown (reported) when a frame comes from a member who was removed from the room. */
export class RemovedMemberError extends Error {
  constructor (message = 'Frame from a removed member') { super(message); this.name = 'RemovedMemberError' }
}
