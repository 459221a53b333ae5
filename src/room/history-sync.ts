/**
 * History sync: members who meet compare what they hold and send each other what is missing, as
 * the authors signed it. No server keeps history; this is how a device that was asleep, offline
 * or partitioned catches up, and how a new member gets the room's earlier messages.
 *
 * 1. A member announces a summary: per author, the highest sequence number it holds and how
 *    many it holds (fewer than the highest means gaps).
 * 2. A member that sees it lacks something asks the announcer for those exact numbers, with its
 *    session prekey.
 * 3. The announcer answers with the stored messages, packed in batches and sealed to that
 *    prekey (so the answer has the same forward secrecy as live traffic).
 * 4. Each message is verified against its author's key and the epoch it was signed for, and
 *    stored once.
 *
 * Work is bounded on both sides: at most MAX_REQUEST_SEQS messages per request, requests and
 * answers rate limited per member, batches under the frame limit. What does not fit now is
 * asked for on the next round.
 */
import { bytesToHex, concatBytes, hexToBytes, utf8 } from '../bytes.js'
import { openFrom, sealTo } from '../crypto/pairwise.js'
import { Kind, isStoredKind } from '../protocol/bodies.js'
import { decodeSigned, encodeSigned, verifyMessage } from '../protocol/envelope.js'
import type { SignedMessage } from '../protocol/envelope.js'
import {
  MAX_REQUEST_SEQS, MAX_SUMMARY_AUTHORS, MAX_SYNC_DATA_BYTES, decodeData, decodeRequest, decodeSummary,
  decodeSyncedMessages, encodeData, encodeRequest, encodeSummary, encodeSyncedMessages
} from '../protocol/sync-bodies.js'
import type { SyncedMessage } from '../protocol/sync-bodies.js'
import type { AuthorHead, Store } from '../store/store.js'
import { fromRecord } from './message-record.js'
import type { Epoch } from './epochs.js'
import { RateLimiter } from './rate-limiter.js'

/** A request for the same message is not repeated within this time, ms. */
const REQUEST_AGAIN_AFTER_MS = 5_000
/** Summaries are not sent more often than this, ms (unless someone visibly lacks something). */
const ANNOUNCE_EVERY_MS = 2_000
/** How long a summary's news waits for messages still in flight before they are asked for, ms. */
const IN_FLIGHT_GRACE_MS = 500
/**
 * Per member online, how much the moment of an answering summary is spread, ms (see `owe`):
 * with 50 online the answers fall over 2.5 s, so the first is usually alone for a while.
 */
const ANSWER_SPREAD_PER_MEMBER_MS = 50

export interface HistorySyncComponents {
  readonly store: Store
  readonly roomId: string
  readonly self: Uint8Array
  /** Our session prekey (made on first use). */
  readonly prekey: () => { readonly publicKey: Uint8Array, readonly secretKey: Uint8Array }
  /** Every author (hex) this room has seen, ourselves included. */
  knownAuthors(): string[]
  /** Members online now, ourselves included: how widely answers are spread (see `owe`). */
  online(): number
  /** The epoch with this id, if we hold it: only its messages can be checked. */
  epochById(epochIdHex: string): Epoch | undefined
  /** Sends a plain message of `kind` on the current epoch. */
  send(kind: number, body: Uint8Array): Promise<number>
  /** Stores a verified message; resolves true when it was new. */
  take(epoch: Epoch, message: SignedMessage): Promise<boolean>
  now(): number
}

export class HistorySync {
  private readonly requested = new Map<string, number>()
  private readonly answerLimiter: RateLimiter
  private lastAnnounced = 0
  /**
   * What someone's summary showed they lack, by author (hex): our head for that author then. We
   * owe the room a summary until one (ours or anyone's) shows at least that much.
   */
  private readonly owed = new Map<string, AuthorHead>()
  private owedTimer: ReturnType<typeof setTimeout> | undefined

  constructor (private readonly components: HistorySyncComponents) {
    // Per asking member: a few requests at once, then one every two seconds.
    this.answerLimiter = new RateLimiter({ perSecond: 0.5, burst: 4 }, components.now)
  }

  /** Tells the room what we hold. `force` skips the throttle (someone new is here). */
  async announce (force = false): Promise<void> {
    const now = this.components.now()
    if (!force && now - this.lastAnnounced < ANNOUNCE_EVERY_MS) return
    this.lastAnnounced = now
    const { store, roomId } = this.components
    const entries = []
    for (const author of this.components.knownAuthors().slice(0, MAX_SUMMARY_AUTHORS)) {
      const head = await store.authorHead(roomId, author)
      if (head.maxSeq > 0) entries.push({ author: hexToBytes(author), maxSeq: head.maxSeq, held: head.count })
    }
    this.settle(entries)
    await this.components.send(Kind.SyncSummary, encodeSummary(entries))
  }

  /** Stops the answer still waiting, if any (the room is closing). */
  stop (): void {
    clearTimeout(this.owedTimer)
    this.owedTimer = undefined
    this.owed.clear()
  }

  /** Someone's summary: ask them for what we lack; tell them if we hold what they lack. */
  async onSummary (from: Uint8Array, body: Uint8Array): Promise<void> {
    const { store, roomId } = this.components
    const theirs = decodeSummary(body)
    // Whatever this summary shows, the room now knows someone holds it.
    this.settle(theirs)
    const wanted: Array<{ author: Uint8Array, seq: number }> = []
    const listed = new Set<string>()
    for (const entry of theirs) {
      const author = bytesToHex(entry.author)
      listed.add(author)
      const ours = await store.authorHead(roomId, author)
      if (ours.maxSeq > entry.maxSeq || (ours.count > entry.held)) this.owe(author, ours)
      if (entry.held === 0 || (ours.maxSeq >= entry.maxSeq && ours.count === ours.maxSeq)) continue
      const room = MAX_REQUEST_SEQS - wanted.length
      if (room <= 0) break
      // Without gaps, what we lack is everything after our highest: no need to walk the store.
      const missing = ours.count === ours.maxSeq
        ? range(ours.maxSeq + 1, entry.maxSeq, room)
        : await store.missingSeqs(roomId, author, entry.maxSeq, room)
      for (const seq of missing) {
        if (this.recentlyRequested(author, seq)) continue
        wanted.push({ author: entry.author, seq })
      }
    }
    for (const author of this.components.knownAuthors()) {
      if (listed.has(author)) continue
      const ours = await store.authorHead(roomId, author)
      if (ours.maxSeq > 0) this.owe(author, ours)
    }
    if (wanted.length > 0) {
      const now = this.components.now()
      if (this.requested.size > 10 * MAX_REQUEST_SEQS) this.requested.clear() // bounded memory
      for (const w of wanted) this.requested.set(`${bytesToHex(w.author)}/${w.seq}`, now)
      setTimeout(() => { void this.request(from, wanted).catch(() => {}) }, IN_FLIGHT_GRACE_MS)
    }
  }

  /**
   * Someone lacks what we hold of `author`: we answer with our summary, so they can ask for it;
   * but not at once. Everyone else who holds it saw the same summary, and if all answered, a
   * room of 50 would send 49 summaries for each one that showed a gap (each opened and checked
   * by every member), and more gaps would show as the room fell behind: a busy 50-member bench
   * room took in about 20 summaries a second per member that way, and fell minutes behind. So
   * each waits a random moment, longer with more members online, and does not answer when a
   * summary showing as much comes first (`settle`). The wait also lets messages that were only
   * in flight arrive.
   */
  private owe (author: string, ours: AuthorHead): void {
    const before = this.owed.get(author)
    if (before === undefined || ours.maxSeq > before.maxSeq || ours.count > before.count) this.owed.set(author, ours)
    if (this.owedTimer !== undefined) return
    const spread = this.components.online() * ANSWER_SPREAD_PER_MEMBER_MS
    this.armAnswer(IN_FLIGHT_GRACE_MS + Math.random() * spread)
  }

  private armAnswer (delayMs: number): void {
    this.owedTimer = setTimeout(() => {
      this.owedTimer = undefined
      if (this.owed.size === 0) return
      // Summaries are still at most one per ANNOUNCE_EVERY_MS: wait for ours to be due.
      const due = this.lastAnnounced + ANNOUNCE_EVERY_MS - this.components.now()
      if (due > 0) this.armAnswer(due)
      else void this.announce().catch(() => {})
    }, delayMs)
  }

  /**
   * Drops what we owe that `entries` (a summary) show someone holds. A member who claims more
   * than it holds can only delay the answer: the one who lacks it asks that member, gets nothing,
   * and asks again after the next heartbeat's summaries.
   */
  private settle (entries: Array<{ author: Uint8Array, maxSeq: number, held: number }>): void {
    if (this.owed.size === 0) return
    for (const entry of entries) {
      const author = bytesToHex(entry.author)
      const owed = this.owed.get(author)
      if (owed !== undefined && entry.maxSeq >= owed.maxSeq && entry.held >= owed.count) this.owed.delete(author)
    }
    if (this.owed.size === 0) {
      clearTimeout(this.owedTimer)
      this.owedTimer = undefined
    }
  }

  /**
   * Asks `from` for the messages still missing. It runs a moment after the summary that showed
   * them: in a busy room the newest ones are usually still on their way by gossip, and asking
   * for them too would send every message twice.
   */
  private async request (from: Uint8Array, wanted: Array<{ author: Uint8Array, seq: number }>): Promise<void> {
    const { store, roomId } = this.components
    const still = []
    for (const w of wanted) if (!await store.hasMessage(roomId, bytesToHex(w.author), w.seq)) still.push(w)
    if (still.length === 0) return
    await this.components.send(Kind.SyncRequest, encodeRequest({ target: from, prekey: this.components.prekey().publicKey, wanted: still }))
  }

  /** A request: if it is for us, answer with what we hold, sealed to the asker's prekey. */
  async onRequest (from: Uint8Array, body: Uint8Array): Promise<void> {
    const request = decodeRequest(body)
    if (bytesToHex(request.target) !== bytesToHex(this.components.self)) return
    if (!this.answerLimiter.take(bytesToHex(from))) return
    const { store, roomId } = this.components
    let batch: SyncedMessage[] = []
    let size = 0
    for (const { author, seq } of request.wanted) {
      const record = await store.getMessage(roomId, bytesToHex(author), seq)
      // A deleted message's signed original is gone; its deletion travels instead.
      if (record === undefined || record.deleted === true) continue
      const item = { epochId: hexToBytes(record.epoch), signed: encodeSigned(fromRecord(record)) }
      const itemSize = item.signed.length + 36
      if (size + itemSize > MAX_SYNC_DATA_BYTES && batch.length > 0) {
        await this.sendData(from, request.prekey, batch)
        batch = []
        size = 0
      }
      batch.push(item)
      size += itemSize
    }
    if (batch.length > 0) await this.sendData(from, request.prekey, batch)
  }

  /**
   * An answer: if it is for us, open it and take each message that checks out.
   * Returns how many new messages were stored, or undefined when it was not for us.
   */
  async onData (body: Uint8Array): Promise<number | undefined> {
    const data = decodeData(body)
    if (bytesToHex(data.recipient) !== bytesToHex(this.components.self) ||
      bytesToHex(data.prekey) !== bytesToHex(this.components.prekey().publicKey)) return undefined
    const plaintext = openFrom(this.components.prekey().secretKey, data, dataContext(data.recipient, data.prekey))
    let stored = 0
    for (const item of decodeSyncedMessages(plaintext)) {
      const epoch = this.components.epochById(bytesToHex(item.epochId))
      if (epoch === undefined) continue // signed for an epoch we do not hold: cannot be checked
      let message: SignedMessage
      try {
        message = decodeSigned(item.signed)
        await verifyMessage(message, epoch.epochId)
      } catch {
        continue // one bad message does not spoil the batch
      }
      if (!isStoredKind(message.kind) || message.seq < 1) continue
      // Signed, but its body may still be malformed (or the store may refuse it): the rest of the
      // batch is taken all the same, and this one is asked for again while it is missing.
      if (await this.components.take(epoch, message).catch(() => false)) stored++
    }
    return stored
  }

  private async sendData (to: Uint8Array, prekey: Uint8Array, messages: SyncedMessage[]): Promise<void> {
    const box = sealTo(prekey, encodeSyncedMessages(messages), dataContext(to, prekey))
    await this.components.send(Kind.SyncData, encodeData({ recipient: to, prekey, ...box }))
  }

  private recentlyRequested (author: string, seq: number): boolean {
    const at = this.requested.get(`${author}/${seq}`)
    if (at === undefined) return false
    if (this.components.now() - at > REQUEST_AGAIN_AFTER_MS) {
      this.requested.delete(`${author}/${seq}`)
      return false
    }
    return true
  }
}

/** `from`..`to` inclusive, at most `limit` numbers. */
function range (from: number, to: number, limit: number): number[] {
  const out: number[] = []
  for (let seq = from; seq <= to && out.length < limit; seq++) out.push(seq)
  return out
}

function dataContext (recipient: Uint8Array, prekey: Uint8Array): Uint8Array {
  return concatBytes(utf8('meshchat/sync-data/v1'), recipient, prekey)
}
