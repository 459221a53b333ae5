/**
 * 5. Local history in Chromium on real IndexedDB. A small page built from bench/history-page
 * is served beside the app (same origin) and writes 100,000 messages into a room through the
 * app's IdbStore; then the app itself is opened on `#/room/<id>` and timed from navigation
 * start to the room's newest messages on screen (role=log holding at least 50 messages and the
 * newest one), and its JS heap is read. The browser keeps its profile on disk and has opened
 * the app before, as the browser of someone with 100,000 messages has.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { build } from 'vite'
import { launchProfile } from '../tests/helpers/browser.js'
import { startRelay } from './lib/procs.js'
import { median, round } from './lib/util.js'

/** How long the app is left to finish starting before room switches are timed, ms. */
const SETTLE_MS = 2_000
/** How long the first opening of the app may take to have its service worker take over, ms. */
const INSTALL_TIMEOUT_MS = 30_000

export interface HistoryResult {
  written: number
  writeMs: number
  writesPerSec: number
  /** Navigation start to the newest 50 on screen, each run, ms. */
  openRuns: number[]
  medianOpenMs: number | null
  /** Navigation start to the end of the first frame painted after that, each run, ms. */
  paintedRuns: number[]
  medianPaintedMs: number | null
  /** Opening the room from the home screen of a loaded app at rest, each run (the first starts the room), ms. */
  switchRuns: number[]
  medianSwitchMs: number | null
  heapUsedBytes: number | null
  messagesRendered: number | null
}

export async function buildHistoryPage (webRoot: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meshchat-bench-web-'))
  await cp(webRoot, dir, { recursive: true })
  await build({
    configFile: false,
    root: resolve('bench/history-page'),
    base: '/__bench/',
    logLevel: 'warn',
    build: { outDir: join(dir, '__bench'), emptyOutDir: true, target: 'es2022', reportCompressedSize: false }
  })
  return dir
}

/**
 * What the page logs once the newest message is on screen. The bench waits for this instead of
 * polling the page: Playwright's polling injects its own script into the page, about 20 ms of the
 * page's main thread in the middle of the start being timed.
 */
const SHOWN_SIGNAL = '__bench_shown'

/**
 * Watches the page from its first script on; records when the newest message is on screen (in
 * the page, laid out) and when the frame that shows it has been painted: a task queued from
 * that frame's animation callback runs once the frame is done.
 */
export function watchScript (latestText: string): string {
  return `(() => {
    const latest = ${JSON.stringify(latestText)};
    const check = () => {
      const log = document.querySelector('[role=log]');
      if (log === null) return false;
      const items = log.querySelectorAll('article');
      if (items.length < 50 || !items[items.length - 1].textContent.includes(latest)) return false;
      window.__shownAt = performance.now();
      window.__rendered = items.length;
      requestAnimationFrame(() => setTimeout(() => {
        window.__paintedAt = performance.now();
        console.log(${JSON.stringify(SHOWN_SIGNAL)});
      }, 0));
      return true;
    };
    const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
    const start = () => observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  })()`
}

/**
 * Opens the room from the home screen of a loaded app; resolves with the ms until its newest
 * message is on screen. A string, like `watchScript`: the page runs it as written.
 */
function switchScript (roomId: string, latestText: string): string {
  return `new Promise((done, fail) => {
    const latest = ${JSON.stringify(latestText)};
    const start = performance.now();
    const check = () => {
      const items = document.querySelectorAll('[role=log] article');
      return items.length >= 50 && (items[items.length - 1].textContent || '').includes(latest);
    };
    const observer = new MutationObserver(() => {
      if (check()) { observer.disconnect(); done(performance.now() - start); }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    setTimeout(() => { observer.disconnect(); fail(new Error('room did not show')); }, 20000);
    location.hash = ${JSON.stringify(`#/room/${roomId}`)};
  })`
}

export async function measureHistory (init: {
  webRoot: string
  count: number
  runs: number
  log: (line: string) => void
}): Promise<HistoryResult> {
  const root = await buildHistoryPage(init.webRoot)
  const relay = await startRelay(root)
  // Not a fresh in-memory context (a private window): its compiled code and its database would
  // live only as long as the run, and starting a page in it costs more (about 90 ms more here).
  const profile = await mkdtemp(join(tmpdir(), 'meshchat-bench-profile-'))
  const context = await launchProfile(profile, { viewport: { width: 1280, height: 800 } })
  try {
    const page = await context.newPage()
    await page.goto(`${relay.httpUrl}__bench/`)
    await page.waitForFunction("document.body.dataset.ready === 'true'")
    init.log(`  writing ${init.count} messages into IndexedDB…`)
    const filled = await page.evaluate(`benchFill(${init.count}, 500, 240000)`) as { roomId: string, written: number, ms: number, latestText: string }
    init.log(`  wrote ${filled.written} in ${round(filled.ms / 1000, 1)} s`)
    await page.close()
    init.log('  opening the app once, until its service worker has installed it…')
    await installApp(context, `${relay.httpUrl}#/room/${filled.roomId}`)

    const openRuns: number[] = []
    const paintedRuns: number[] = []
    let heap: number | null = null
    let rendered: number | null = null
    for (let i = 0; i < init.runs; i++) {
      const app = await context.newPage()
      await app.addInitScript(watchScript(filled.latestText))
      const shown = app.waitForEvent('console', { predicate: message => message.text() === SHOWN_SIGNAL, timeout: 30_000 })
      await app.goto(`${relay.httpUrl}#/room/${filled.roomId}`)
      await shown
      openRuns.push(round(await app.evaluate('window.__shownAt') as number))
      paintedRuns.push(round(await app.evaluate('window.__paintedAt') as number))
      rendered = await app.evaluate('window.__rendered') as number
      if (i === init.runs - 1) {
        const cdp = await context.newCDPSession(app)
        await cdp.send('HeapProfiler.collectGarbage')
        heap = (await cdp.send('Runtime.getHeapUsage')).usedSize
        await cdp.detach()
      }
      await app.close()
    }

    // Switching rooms in a loaded app: home, then the room. A person picks a room from a list
    // they can see, so the app first finishes starting (its network and lazily loaded parts)
    // and each switch starts from a home screen at rest. The first switch also starts the room
    // (its members, its network topics); later ones find it started.
    const switchRuns: number[] = []
    const app = await context.newPage()
    await app.goto(relay.httpUrl)
    await app.locator(`a[href="#/room/${filled.roomId}"]`).first().waitFor({ timeout: 30_000 })
    await app.waitForTimeout(SETTLE_MS)
    for (let i = 0; i < init.runs; i++) {
      await app.evaluate("location.hash = '#/'")
      await app.waitForFunction("document.querySelector('[role=log]') === null")
      await app.waitForTimeout(SETTLE_MS / 4)
      const ms = await app.evaluate(switchScript(filled.roomId, filled.latestText)) as number
      switchRuns.push(round(ms))
    }
    return {
      written: filled.written,
      writeMs: round(filled.ms),
      writesPerSec: round(filled.written / (filled.ms / 1000), 0),
      openRuns,
      medianOpenMs: median(openRuns),
      paintedRuns,
      medianPaintedMs: median(paintedRuns),
      switchRuns,
      medianSwitchMs: median(switchRuns),
      heapUsedBytes: heap,
      messagesRendered: rendered
    }
  } finally {
    await context.close()
    await relay.stop()
    await rm(profile, { recursive: true, force: true })
  }
}

/**
 * Opens the app and waits until its service worker controls the page: the app is then kept by
 * the worker, as for anyone who has used it before. (The app registers its worker once the
 * first screen is up.)
 */
async function installApp (context: BrowserContext, url: string): Promise<void> {
  const page = await context.newPage()
  await page.goto(url)
  const deadline = Date.now() + INSTALL_TIMEOUT_MS
  // Polled with evaluate: the app's content security policy refuses the eval in waitForFunction.
  while (await page.evaluate('navigator.serviceWorker.controller === null') as boolean) {
    if (Date.now() > deadline) throw new Error(`the app's service worker did not take over within ${INSTALL_TIMEOUT_MS / 1000} s`)
    await page.waitForTimeout(200)
  }
  await page.close()
}
