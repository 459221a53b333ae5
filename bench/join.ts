/**
 * 3. Join time: from creating a member to the first message exchanged with someone already in
 * the room, through the relay on loopback. In Node (a fresh node in a warm worker process) and
 * in Chromium (from opening the invitation link to the member's answer on screen).
 */
import type { Browser, Page } from 'playwright-core'
import { generateRoomCode } from '../src/room/room-code.js'
import { forkWorker } from './lib/procs.js'
import { median, nowMs, round } from './lib/util.js'

export interface NodeJoin {
  ok: boolean
  nodeReadyMs: number
  reservationMs: number | null
  firstPeerMs: number | null
  firstDeliveredMs: number | null
  exchangedMs: number | null
}

export interface JoinResult {
  /** Medians are over the runs that completed within 20 s; `completed` says how many did. */
  node: { runs: NodeJoin[], completed: number, medianExchangedMs: number | null, medianFirstDeliveredMs: number | null }
  chromium?: {
    runs: Array<number | null>
    completed: number
    medianExchangedMs: number | null
    /** From the Join button's press (the form's submit, in the page) to the reply on screen. */
    afterJoinRuns: Array<number | null>
    medianAfterJoinMs: number | null
    /**
     * The same, when the name is typed after TYPING_MS on the page, as a person would: what they
     * wait for after pressing Join. (The runs above type at once, while the page is still starting.)
     */
    typedAfterJoinRuns: Array<number | null>
    medianTypedAfterJoinMs: number | null
    error?: string
  }
}

/** The text of the member's reply to the hello stamped `t0`, as a regular expression. */
function replyPattern (t0: number): string {
  return `^join-reply\\|[\\d.]+\\|${String(t0).replace('.', '\\.')}$`
}

/** How long a person takes to read the invitation and type a name, in the second series of runs, ms. */
export const TYPING_MS = 3_000

/** What the page logs when the join form is shown, and when the room's message box is. */
const FORM_SIGNAL = '__join_form_shown'
const COMPOSER_SIGNAL = '__composer_shown'

/**
 * Watches the page from its first script on. Logs when the join form and then the message box
 * are on screen: the bench waits for these lines before it types, rather than for Playwright's
 * own waits, which poll every 500 ms after their first tries and added up to that much to a run.
 * Records in `window.__replyShownAt` (page time, ms) when the reply to the hello stamped `t0` is
 * on screen.
 */
function pageWatcher (t0: number): string {
  return `(() => {
    const reply = new RegExp(${JSON.stringify(replyPattern(t0))});
    let form = false, composer = false;
    const observer = new MutationObserver(() => {
      if (!form && document.getElementById('display-name') !== null) { form = true; console.log(${JSON.stringify(FORM_SIGNAL)}); }
      if (!composer && document.getElementById('message') !== null) { composer = true; console.log(${JSON.stringify(COMPOSER_SIGNAL)}); }
      const log = document.querySelector('[role=log]');
      if (log === null || ![...log.querySelectorAll('p')].some(p => reply.test(p.textContent.trim()))) return;
      window.__replyShownAt = performance.now();
      observer.disconnect();
    });
    // The first form sent is the invitation's Join.
    document.addEventListener('submit', () => { window.__joinPressedAt ??= performance.now(); }, true);
    const start = () => observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  })()`
}

export async function measureJoin (init: {
  relays: string[]
  httpUrl: string
  runs: number
  browser?: () => Promise<Browser>
  log: (line: string) => void
}): Promise<JoinResult> {
  const code = generateRoomCode().display
  const member = forkWorker('bench/peer-worker.ts')
  const joiner = forkWorker('bench/peer-worker.ts')
  try {
    await member.call('init', { mode: 'mesh', relays: init.relays, code, names: ['host'], autoReply: true }, 60_000)
    const runs: NodeJoin[] = []
    for (let i = 0; i < init.runs; i++) {
      const run = await joiner.call<NodeJoin>('join', { relays: init.relays, code, name: `joiner${i}`, timeoutMs: 20_000 }, 40_000)
      runs.push(run)
      init.log(`  node join ${i + 1}: node ${round(run.nodeReadyMs)} ms, reservation ${run.reservationMs === null ? '-' : round(run.reservationMs)} ms, first peer ${run.firstPeerMs === null ? '-' : round(run.firstPeerMs)} ms, delivered ${run.firstDeliveredMs === null ? '-' : round(run.firstDeliveredMs)} ms, exchanged ${run.exchangedMs === null ? '-' : round(run.exchangedMs)} ms`)
    }
    const ok = runs.filter(r => r.ok)
    const result: JoinResult = {
      node: {
        runs,
        completed: ok.length,
        medianExchangedMs: median(ok.map(r => r.exchangedMs!)),
        medianFirstDeliveredMs: median(ok.map(r => r.firstDeliveredMs!))
      }
    }
    if (init.browser !== undefined) {
      const instant: ChromiumRun[] = []
      const typed: ChromiumRun[] = []
      try {
        const browser = await init.browser()
        for (let i = 0; i < init.runs; i++) instant.push(await chromiumJoin(browser, init, code, `browser${i}`, 0))
        for (let i = 0; i < init.runs; i++) typed.push(await chromiumJoin(browser, init, code, `typist${i}`, TYPING_MS))
        result.chromium = chromiumSummary(instant, typed)
      } catch (err) {
        result.chromium = chromiumSummary(instant, typed, (err as Error).message.split('\n')[0])
      }
    }
    return result
  } finally {
    await Promise.all([member.stop(), joiner.stop()])
  }
}

interface ChromiumRun {
  exchangedMs: number | null
  afterJoinMs: number | null
}

/**
 * One join in a new browser context (a first visit): opens the invitation, types a name (at once,
 * or after `typingMs` spent as a person reading the page and typing), presses Join, says hello and
 * waits for the member's reply on screen.
 */
async function chromiumJoin (browser: Browser, init: { httpUrl: string, log: (line: string) => void }, code: string,
  name: string, typingMs: number): Promise<ChromiumRun> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    const t0 = nowMs()
    await page.addInitScript(pageWatcher(t0))
    const formShown = shownSignal(page, FORM_SIGNAL)
    await page.goto(`${init.httpUrl}#join=${code}`)
    await formShown
    if (typingMs > 0) await page.waitForTimeout(typingMs)
    await page.getByRole('textbox', { name: 'Display name' }).fill(name)
    const composerShown = shownSignal(page, COMPOSER_SIGNAL)
    await page.getByRole('button', { name: 'Join' }).click()
    await composerShown
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.fill(`join-hello|${t0}`)
    await box.press('Enter')
    // The reply to this hello (history sync also brings earlier runs' replies along).
    await page.getByRole('log').getByText(new RegExp(replyPattern(t0))).waitFor({ timeout: 20_000 })
    // Both clocks are this machine's: the page's time origin plus its time, against t0.
    const shownAt = await page.evaluate('performance.timeOrigin + window.__replyShownAt') as number
    const joinPressedAt = await page.evaluate('performance.timeOrigin + window.__joinPressedAt') as number
    const run = { exchangedMs: round(shownAt - t0), afterJoinMs: round(shownAt - joinPressedAt) }
    init.log(`  chromium join (${name}${typingMs > 0 ? `, typing for ${typingMs} ms` : ''}): exchanged ${run.exchangedMs} ms, ${run.afterJoinMs} ms after Join was pressed`)
    return run
  } catch (err) {
    init.log(`  chromium join (${name}) failed: ${(err as Error).message.split('\n')[0]}`)
    return { exchangedMs: null, afterJoinMs: null }
  } finally {
    await context.close()
  }
}

/** Medians over the runs that completed; with an error (the browser would not start), none counts. */
function chromiumSummary (instant: ChromiumRun[], typed: ChromiumRun[], error?: string): NonNullable<JoinResult['chromium']> {
  const done = (values: Array<number | null>): number[] => values.filter((v): v is number => v !== null)
  const exchanged = done(instant.map(r => r.exchangedMs))
  return {
    runs: instant.map(r => r.exchangedMs),
    completed: error === undefined ? exchanged.length : 0,
    medianExchangedMs: error === undefined ? median(exchanged) : null,
    afterJoinRuns: instant.map(r => r.afterJoinMs),
    medianAfterJoinMs: error === undefined ? median(done(instant.map(r => r.afterJoinMs))) : null,
    typedAfterJoinRuns: typed.map(r => r.afterJoinMs),
    medianTypedAfterJoinMs: error === undefined ? median(done(typed.map(r => r.afterJoinMs))) : null,
    ...(error !== undefined ? { error } : {})
  }
}

/** Resolves when the page logs `signal` (see `pageWatcher`). */
async function shownSignal (page: Page, signal: string): Promise<void> {
  await page.waitForEvent('console', { predicate: message => message.text() === signal, timeout: 20_000 })
}
