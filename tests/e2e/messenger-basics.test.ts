/**
 * End to end, through the UI: the room list with unread badges, safe links, search, the emoji
 * picker, notifications and mute, leaving a room and the profile. Two people: Alice on a desktop
 * browser, Bob on a phone.
 */
import { mkdirSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'

const SHOTS = 'test-results/screenshots'
const DELIVERY = { timeout: 45_000 }

/** Records notifications instead of showing them, and lets the test hide the page. */
const FAKE_NOTIFICATIONS = `
  window.__notes = []
  window.__hidden = false
  window.Notification = class {
    static permission = 'granted'
    static async requestPermission () { return 'granted' }
    constructor (title, options) { window.__notes.push({ title, body: options?.body ?? '' }) }
    close () {}
  }
  Object.defineProperty(document, 'visibilityState', { get: () => window.__hidden ? 'hidden' : 'visible' })
`

describe('messenger basics in Chromium', () => {
  let relay: RelayProcess
  let browser: Browser
  let alice: BrowserContext
  let bob: BrowserContext
  let pa: Page
  let pb: Page
  let code1 = ''
  let code2 = ''
  const errors: string[] = []

  const rooms = (page: Page) => page.getByRole('navigation', { name: 'Your rooms' })
  const roomLink = (page: Page, code: string) => rooms(page).getByRole('list').getByRole('link', { name: new RegExp(`Room ${code.slice(0, 5)}`) })
  /**
   * Opens a room from the list and returns its composer. Taken from the room's own view: right
   * after the click, the composer of the room shown before can still be on the page.
   */
  const openRoomComposer = async (page: Page, code: string) => {
    await roomLink(page, code).click()
    return page.getByRole('region', { name: `Room ${code.slice(0, 5)}` }).getByRole('textbox', { name: 'Message' })
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelayProcess()
    browser = await launchBrowser()
    alice = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    bob = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    await bob.addInitScript(FAKE_NOTIFICATIONS)
    pa = await alice.newPage()
    pb = await bob.newPage()
    for (const [who, page] of [['alice', pa], ['bob', pb]] as const) {
      page.on('pageerror', err => { errors.push(`${who}: ${err.message}`) })
    }
  }, 60_000)

  afterAll(async () => {
    if (errors.length > 0) console.log('page errors:', errors)
    await browser?.close()
    await relay?.stop()
  })

  it('lets one person be in two rooms with another, listed in the sidebar', async () => {
    await pa.goto(relay.httpUrl)
    await pa.getByRole('textbox', { name: 'Display name' }).fill('Alice Martin')
    await pa.getByRole('button', { name: 'Create room' }).click()
    await pa.getByRole('textbox', { name: 'Share link' }).waitFor()
    code1 = await pa.getByRole('textbox', { name: 'Room code' }).inputValue()
    await rooms(pa).getByRole('link', { name: 'New or join a room' }).click()
    await pa.getByRole('button', { name: 'Create room' }).click()
    // The join form's empty "Room code" field shows until the new room replaces it.
    const newCode = async (): Promise<string> => {
      const value = await pa.getByRole('textbox', { name: 'Room code' }).inputValue().catch(() => '')
      return /^([0-9A-Z]{5}-){5}[0-9A-Z]{5}$/.test(value) && value !== code1 ? value : ''
    }
    await expect.poll(newCode).not.toBe('')
    code2 = await newCode()
    await roomLink(pa, code1).waitFor()
    await roomLink(pa, code2).waitFor()

    for (const code of [code1, code2]) {
      await pb.goto(`${relay.httpUrl}#join=${code}`)
      await pb.getByRole('textbox', { name: 'Display name' }).fill('Bob')
      await pb.getByRole('button', { name: 'Join' }).click()
      await pb.getByRole('textbox', { name: 'Message' }).waitFor()
    }
    // Bob says hello in both rooms, so both connections are up before the real test.
    for (const code of [code2, code1]) {
      await pb.getByRole('button', { name: 'Back to rooms' }).click()
      await (await openRoomComposer(pb, code)).fill(`hello in ${code.slice(0, 5)}`)
      await pb.keyboard.press('Enter')
    }
    await roomLink(pa, code1).click()
    await pa.getByRole('log').getByText(`hello in ${code1.slice(0, 5)}`).waitFor(DELIVERY)
    await roomLink(pa, code2).click()
    await pa.getByRole('log').getByText(`hello in ${code2.slice(0, 5)}`).waitFor(DELIVERY)
    // The list shows what was said last, by whom.
    await expect.poll(async () => await roomLink(pa, code1).textContent()).toContain(`Bob: hello in ${code1.slice(0, 5)}`)
  })

  it('asks about notifications only after the first message, and unobtrusively', async () => {
    const composer = await openRoomComposer(pa, code1)
    expect(await pa.getByRole('region', { name: 'Notifications' }).count()).toBe(0)
    await composer.fill('Hi Bob')
    await pa.keyboard.press('Enter')
    const prompt = pa.getByRole('region', { name: 'Notifications' })
    await prompt.waitFor()
    await pa.screenshot({ path: `${SHOTS}/notification-prompt-desktop.png` })
    await prompt.getByRole('button', { name: 'Not now' }).click()
    await expect.poll(async () => await prompt.count()).toBe(0)
  })

  it('shows an unread badge in the other person\'s list, the count in the title, and a notification when hidden', async () => {
    // Bob is in room 1 on his phone; he goes back to the list and hides the page.
    await pb.getByRole('button', { name: 'Back to rooms' }).click()
    await pb.evaluate(() => { (window as unknown as { __hidden: boolean }).__hidden = true })
    const composer = await openRoomComposer(pa, code2)
    const text = 'Look at https://example.com/page?x=1 and <b>not bold</b> <img src=x onerror=alert(1)>.'
    await composer.fill(text)
    await pa.keyboard.press('Enter')

    await expect.poll(async () => await roomLink(pb, code2).textContent(), DELIVERY).toContain('1 unread message')
    expect(await roomLink(pb, code1).textContent()).not.toContain('unread')
    await expect.poll(async () => await pb.title()).toBe('(1) Meshchat')
    const notes = await pb.evaluate(() => (window as unknown as { __notes: Array<{ title: string, body: string }> }).__notes)
    expect(notes).toEqual([{ title: `Room ${code2.slice(0, 5)} · Alice Martin`, body: text }])
    await pb.screenshot({ path: `${SHOTS}/rooms-list-phone.png` })
    await pa.screenshot({ path: `${SHOTS}/rooms-list-desktop.png` })
  })

  it('renders links as safe anchors and markup as text, and clears the badge once read', async () => {
    await pb.evaluate(() => { (window as unknown as { __hidden: boolean }).__hidden = false })
    await roomLink(pb, code2).click()
    const log = pb.getByRole('log')
    const link = log.getByRole('link', { name: 'https://example.com/page?x=1' })
    await link.waitFor()
    expect(await link.getAttribute('href')).toBe('https://example.com/page?x=1')
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer')
    expect(await link.getAttribute('target')).toBe('_blank')
    await log.getByText('<b>not bold</b>', { exact: false }).waitFor()
    expect(await pb.locator('.messages b, .messages img').count()).toBe(0)
    await log.getByRole('heading', { name: 'Today' }).waitFor()
    await expect.poll(async () => await pb.title()).toBe('Meshchat')
    await pb.screenshot({ path: `${SHOTS}/room-links-phone.png` })
    await pb.getByRole('button', { name: 'Back to rooms' }).click()
    expect(await roomLink(pb, code2).textContent()).not.toContain('unread')
  })

  it('does not notify or count a muted room', async () => {
    await roomLink(pb, code1).click()
    const mute = pb.getByRole('button', { name: 'Mute notifications' })
    await mute.click()
    await expect.poll(async () => await mute.getAttribute('aria-pressed')).toBe('true')
    await pb.getByRole('button', { name: 'Back to rooms' }).click()
    await pb.evaluate(() => { (window as unknown as { __hidden: boolean }).__hidden = true })
    await (await openRoomComposer(pa, code1)).fill('quiet please')
    await pa.keyboard.press('Enter')
    await expect.poll(async () => await roomLink(pb, code1).textContent(), DELIVERY).toContain('1 unread message')
    expect(await roomLink(pb, code1).textContent()).toContain('muted')
    expect(await pb.title()).toBe('Meshchat')
    const notes = await pb.evaluate(() => (window as unknown as { __notes: unknown[] }).__notes)
    expect(notes).toHaveLength(1)
    await pb.evaluate(() => { (window as unknown as { __hidden: boolean }).__hidden = false })
  })

  it('finds a message in the local history and opens its room at it', async () => {
    const search = pb.getByRole('searchbox', { name: 'Search messages' })
    await search.fill('NOT BOLD')
    const results = pb.getByRole('list', { name: 'Search results' })
    await results.getByRole('link').first().waitFor()
    expect(await results.getByRole('link').count()).toBe(1)
    expect(await results.textContent()).toContain('Alice Martin')
    await pb.screenshot({ path: `${SHOTS}/search-phone.png` })
    await results.getByRole('link').first().click()
    await pb.getByRole('log').getByRole('link', { name: 'https://example.com/page?x=1' }).waitFor()
    expect(await pb.getByRole('heading', { name: `Room ${code2.slice(0, 5)}` }).count()).toBe(1)
  })

  it('inserts emoji from the picker at the caret, with the mouse and the keyboard', async () => {
    const box = pa.getByRole('textbox', { name: 'Message' })
    await box.fill('great')
    await box.press('Home')
    await pa.getByRole('button', { name: 'Insert emoji' }).click()
    const grid = pa.getByRole('grid', { name: 'Emoji' })
    await grid.waitFor()
    await pa.screenshot({ path: `${SHOTS}/emoji-desktop.png` })
    await grid.getByRole('button', { name: 'thumbs up', exact: true }).click()
    await expect.poll(async () => await box.inputValue()).toBe('👍great')
    // Keyboard: the focused cell moves with the arrows, Enter inserts after the last one.
    const focusedName = async (): Promise<string | null | undefined> => await pa.evaluate(() => document.activeElement?.getAttribute('aria-label'))
    await expect.poll(focusedName).toBe('thumbs up')
    await pa.keyboard.press('ArrowRight')
    await expect.poll(focusedName).toBe('thumbs down')
    await pa.keyboard.press('Enter')
    await expect.poll(async () => await box.inputValue()).toBe('👍👎great')
    await pa.keyboard.press('Escape')
    await expect.poll(async () => await grid.count()).toBe(0)
    expect(await pa.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Insert emoji')
    await box.fill('')
  })

  it('leaves a room after confirming, and it is gone from the list', async () => {
    await pb.getByRole('button', { name: 'Leave' }).click()
    const dialog = pb.getByRole('dialog', { name: `Leave Room ${code2.slice(0, 5)}?` })
    await dialog.waitFor()
    await dialog.getByRole('checkbox', { name: 'Also delete its messages from this device' }).check()
    await pb.screenshot({ path: `${SHOTS}/leave-dialog-phone.png` })
    await dialog.getByRole('button', { name: 'Leave room' }).click()
    // Back on the list, where the search from before now finds nothing: the messages are gone too.
    await pb.getByText('No messages found.').waitFor()
    await pb.getByRole('searchbox', { name: 'Search messages' }).fill('')
    await roomLink(pb, code1).waitFor()
    expect(await roomLink(pb, code2).count()).toBe(0)
  })

  it('shows the profile with a fingerprint in groups, and a name change applies to new messages', async () => {
    await rooms(pa).getByRole('link', { name: /Alice Martin/ }).click()
    await pa.getByRole('heading', { name: 'Your profile' }).waitFor()
    const groups = await pa.locator('.fingerprint span').allTextContents()
    expect(groups).toHaveLength(16)
    expect(groups.every(g => /^[0-9a-f]{4}\s?$/.test(g))).toBe(true)
    await pa.getByRole('textbox', { name: 'Display name' }).fill('Alice M.')
    await pa.getByRole('button', { name: 'Save' }).click()
    await pa.getByRole('status').getByText('Saved').waitFor()
    await pa.screenshot({ path: `${SHOTS}/profile-desktop.png` })

    await pb.getByRole('link', { name: /^(Your profile|Bob)\b/ }).click()
    await pb.getByRole('heading', { name: 'Your fingerprint' }).waitFor()
    await pb.screenshot({ path: `${SHOTS}/profile-phone.png` })
    await pb.getByRole('link', { name: 'Rooms' }).click()

    await (await openRoomComposer(pa, code1)).fill('new name here')
    await pa.keyboard.press('Enter')
    await roomLink(pb, code1).click()
    const newest = pb.locator('.message', { hasText: 'new name here' })
    await newest.waitFor(DELIVERY)
    expect(await newest.getAttribute('aria-label')).toMatch(/^Alice M\.,/)
    await pb.screenshot({ path: `${SHOTS}/room-phone-day-separators.png` })
    await pa.screenshot({ path: `${SHOTS}/room-desktop-messenger.png` })
  })
})
