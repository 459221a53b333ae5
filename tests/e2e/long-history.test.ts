/**
 * End to end: a room with more messages than the app loads at once opens at its newest message,
 * after a reload as when first shown, and loads older ones only when the person scrolls up.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'

/** More than one page of history (the app loads 60 messages when a room opens). */
const SENT = 75

/** Where the conversation is scrolled, and what of it is loaded. */
async function view (page: Page): Promise<{ atBottom: boolean, newestInView: boolean, loaded: number }> {
  return await page.getByRole('log').evaluate((log, newest) => {
    const items = [...log.querySelectorAll('article')]
    const last = items[items.length - 1]
    const box = log.getBoundingClientRect()
    const lastBox = last?.getBoundingClientRect()
    return {
      atBottom: log.scrollHeight - log.scrollTop - log.clientHeight < 2,
      newestInView: last?.textContent?.includes(newest) === true && lastBox.top >= box.top && lastBox.bottom <= box.bottom + 1,
      loaded: items.length
    }
  }, `Note ${SENT}`)
}

describe('a room with a long history', () => {
  let relay: RelayProcess
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    relay = await startRelayProcess()
    browser = await launchBrowser()
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await page.goto(relay.httpUrl)
    await page.getByRole('textbox', { name: 'Display name' }).fill('Ann')
    await page.getByRole('button', { name: 'Create room' }).click()
    const box = page.getByRole('textbox', { name: 'Message' })
    for (let i = 1; i <= SENT; i++) {
      await box.fill(`Note ${i}`)
      await box.press('Enter')
    }
    await page.getByRole('log').getByText(`Note ${SENT}`, { exact: true }).waitFor()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
  })

  it('opens at the newest message with one page loaded, and stays there', async () => {
    expect(page.url()).toMatch(/#\/room\/[0-9a-f]{64}$/)
    await page.reload()
    await page.getByRole('log').getByText(`Note ${SENT}`, { exact: true }).waitFor()
    await expect.poll(async () => await view(page)).toMatchObject({ atBottom: true, newestInView: true })
    // Messages off screen settle to their real height after the first layout; the view must not
    // drift from the newest message, nor take that for scrolling up and load older pages.
    await page.waitForTimeout(500)
    const settled = await view(page)
    expect(settled).toMatchObject({ atBottom: true, newestInView: true })
    expect(settled.loaded).toBeLessThanOrEqual(60)
  })

  it('loads older messages when scrolled to the top', async () => {
    await page.getByRole('log').evaluate(log => { log.scrollTop = 0 })
    await page.getByRole('log').getByText('Note 1', { exact: true }).waitFor()
    expect((await view(page)).loaded).toBe(SENT)
  })

  it('shows a message the person sends, even while they were reading far up', async () => {
    const log = page.getByRole('log')
    await log.evaluate(log => { log.scrollTop = 0 })
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.fill('Back to the present')
    await box.press('Enter')
    const sent = log.locator('article', { hasText: 'Back to the present' })
    await expect.poll(async () => await sent.evaluate((el, list) => {
      const a = el.getBoundingClientRect()
      const b = (list as Element).getBoundingClientRect()
      return a.top >= b.top && a.bottom <= b.bottom + 1
    }, await log.elementHandle())).toBe(true)
  })
  it('shows the day at the top while the list moves, and not over the messages once it rests', async () => {
    const log = page.getByRole('log')
    const label = log.getByRole('heading', { name: 'Today' })
    // Scrolled into the middle, the day's label is stuck at the top, over the messages.
    const whileMoving = await log.evaluate(async (list, label) => {
      const moved = new Promise(resolve => { list.addEventListener('scroll', resolve, { once: true }) })
      list.scrollTop = list.scrollHeight / 2
      await moved
      await new Promise(requestAnimationFrame)
      // Stuck: at the top of the list's box, within its padding, with messages scrolled past above.
      const offset = (label as Element).getBoundingClientRect().top - list.getBoundingClientRect().top
      const stuck = offset <= parseFloat(getComputedStyle(list).paddingTop) + 2 && list.scrollTop > 100
      return { stuck, offset, opacity: getComputedStyle((label as Element).firstElementChild!).opacity }
    }, await label.elementHandle())
    expect(whileMoving).toMatchObject({ stuck: true, opacity: '1' })
    // At rest it is gone, and takes no clicks meant for what is under it.
    await expect.poll(async () => await label.evaluate(heading => {
      const box = heading.getBoundingClientRect()
      return { opacity: getComputedStyle(heading.firstElementChild!).opacity, onTop: heading.contains(document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)) }
    }), { timeout: 5_000 }).toEqual({ opacity: '0', onTop: false })
  })
})
