/**
 * End to end: the real relay process serving the built app, two isolated Chromium contexts
 * (two people), through the UI only.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import encodeQR from 'qr'
import { phoneWithCamera, readQrCode } from '../helpers/qr-code.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { peopleIn } from '../helpers/two-people.js'

const SHOTS = 'test-results/screenshots'

/** Records the ICE servers of every RTCPeerConnection the page makes, in `window.iceServersUsed`. */
async function recordIceServers (context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection
    const used: RTCIceServer[][] = []
    Object.assign(window, { iceServersUsed: used })
    window.RTCPeerConnection = class extends Native {
      constructor (config?: RTCConfiguration) {
        super(config)
        used.push(config?.iceServers ?? [])
      }
    }
  })
}

describe('two people chatting in Chromium', () => {
  let relay: RelayProcess
  let browser: Browser
  let alice: BrowserContext
  let bob: BrowserContext
  let pa: Page
  let pb: Page
  let link = ''
  let code = ''
  let qrOnScreen: Buffer = Buffer.alloc(0)

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelayProcess()
    browser = await launchBrowser()
    alice = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    bob = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    await recordIceServers(alice)
    await recordIceServers(bob)
    pa = await alice.newPage()
    pb = await bob.newPage()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
  })

  it('creates a room and shows its code and share link', async () => {
    await pa.goto(relay.httpUrl)
    await pa.getByRole('textbox', { name: 'Display name' }).waitFor()
    await pa.screenshot({ path: `${SHOTS}/home-desktop.png` })
    await pa.getByRole('textbox', { name: 'Display name' }).fill('Alice Martin')
    await pa.getByRole('button', { name: 'Create room' }).click()
    // The home screen has a "Room code" field too (for joining); wait until the room replaced it.
    await pa.getByRole('textbox', { name: 'Share link' }).waitFor()
    const codeField = pa.getByRole('textbox', { name: 'Room code' })
    code = await codeField.inputValue()
    link = await pa.getByRole('textbox', { name: 'Share link' }).inputValue()
    expect(code).toMatch(/^([0-9A-Z]{5}-){5}[0-9A-Z]{5}$/)
    expect(await codeField.getAttribute('readonly')).not.toBeNull()
    expect(link).toBe(`${new URL(relay.httpUrl).origin}/#join=${code}`)
  })

  it('shows the share link as a QR code that reads back as the link', async () => {
    await pa.getByRole('button', { name: 'Show QR code' }).click()
    const qr = pa.getByRole('img', { name: 'QR code of the share link' })
    await qr.waitFor()
    expect(await pa.getByRole('button', { name: 'Hide QR code' }).getAttribute('aria-expanded')).toBe('true')
    await pa.screenshot({ path: `${SHOTS}/share-qr-desktop.png` })
    // What a camera would see: the code as drawn on screen, read back from its pixels.
    qrOnScreen = await qr.screenshot()
    expect(await readQrCode(browser, qrOnScreen)).toBe(link)
    await pa.getByRole('button', { name: 'Hide QR code' }).click()
    await qr.waitFor({ state: 'hidden' })
  })

  /**
   * A phone with a camera (filming `filmed`, a PNG, or refused when there is none) opens the app
   * and presses "Scan a QR code"; `check` goes on from there.
   */
  async function scanOnPhone (filmed: Buffer | undefined, check: (page: Page, scanner: Locator) => Promise<void>): Promise<void> {
    const phone = await phoneWithCamera(browser, filmed)
    try {
      await phone.page.goto(relay.httpUrl)
      await phone.page.getByRole('button', { name: 'Scan a QR code' }).click()
      await check(phone.page, phone.page.getByRole('group', { name: 'Scan a QR code' }))
    } finally {
      await phone.close()
    }
  }

  it('a phone scans that code with its camera, is invited, and joins', async () => {
    // Chromium's fake camera films Alice's screen: the code exactly as it was drawn there.
    await scanOnPhone(qrOnScreen, async pd => {
      await pd.getByRole('heading', { name: 'You are invited to a room' }).waitFor({ timeout: 15_000 })
      expect(await pd.getByRole('textbox', { name: 'Room code' }).inputValue()).toBe(code)
      await pd.screenshot({ path: `${SHOTS}/scanned-invitation-phone.png` })
      await pd.getByRole('textbox', { name: 'Display name' }).fill('Dan')
      await pd.getByRole('button', { name: 'Join' }).click()
      await pd.getByRole('textbox', { name: 'Message' }).fill('Scanned my way in')
      await pd.keyboard.press('Enter')
      await pa.getByRole('log').getByText('Scanned my way in').waitFor({ timeout: 30_000 })
    })
  }, 60_000)

  it('says when a scanned code is not a room or contact link, and keeps looking', async () => {
    const page = await browser.newPage()
    await page.setContent(`<style>svg { width: 240px; height: 240px }</style>${encodeQR('https://example.com/menu', 'svg')}`)
    const other = await page.locator('svg').screenshot()
    await page.close()
    await scanOnPhone(other, async (pe, scanner) => {
      await expect.poll(async () => await scanner.getByRole('status').textContent(), { timeout: 15_000 }).toBe('That QR code is not a Meshchat room or contact link.')
      await scanner.evaluate(el => { el.scrollIntoView({ block: 'center' }) })
      await pe.screenshot({ path: `${SHOTS}/scanning-phone.png` })
      expect(await pe.getByRole('heading', { name: 'Chat with no one in the middle' }).count()).toBe(1)
      // Escape closes the camera, and the camera light goes off.
      await scanner.getByRole('button', { name: 'Cancel' }).press('Escape')
      await scanner.waitFor({ state: 'detached' })
      expect(await pe.evaluate(() => document.querySelectorAll('video').length)).toBe(0)
    })
  }, 60_000)

  it('offers no scanning on a device without a camera', async () => {
    await pb.goto(relay.httpUrl)
    await pb.getByRole('button', { name: 'Join' }).waitFor()
    expect(await pb.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).filter(d => d.kind === 'videoinput').length)).toBe(0)
    expect(await pb.getByRole('button', { name: 'Scan a QR code' }).count()).toBe(0)
  })

  it('says so when the camera is not allowed, and gives the keyboard back', async () => {
    // A camera, but nobody answers the browser's question about it: Chromium refuses.
    await scanOnPhone(undefined, async (pf, scanner) => {
      await expect.poll(async () => await scanner.getByRole('alert').textContent()).toMatch(/camera is not allowed.*type the code/)
      await pf.screenshot({ path: `${SHOTS}/camera-refused-phone.png` })
      await scanner.getByRole('button', { name: 'Close' }).press('Enter')
      await expect.poll(async () => await pf.evaluate(() => document.activeElement?.textContent)).toBe('Scan a QR code')
    })
  }, 60_000)

  it('tells a person who mistypes a code what is wrong', async () => {
    await pb.goto(relay.httpUrl)
    await pb.getByRole('textbox', { name: 'Display name' }).waitFor()
    await pb.screenshot({ path: `${SHOTS}/home-phone.png` })
    await pb.getByRole('textbox', { name: 'Display name' }).fill('Bob')
    const typo = code.slice(0, 3) + (code[3] === 'A' ? 'B' : 'A') + code.slice(4)
    await pb.getByRole('textbox', { name: 'Room code' }).fill(typo)
    await pb.getByRole('button', { name: 'Join' }).click()
    await expect.poll(async () => await pb.getByRole('alert').textContent()).toContain('typo')
    await pb.screenshot({ path: `${SHOTS}/mistyped-code-phone.png` })
  })

  it('joins through the share link and exchanges messages both ways', async () => {
    await pb.goto(link)
    await pb.getByRole('textbox', { name: 'Display name' }).fill('Bob')
    const opened = Date.now()
    // Typed codes are forgiving: lower case and spaces instead of dashes.
    await pb.getByRole('textbox', { name: 'Room code' }).fill(code.toLowerCase().replaceAll('-', ' '))
    await pb.getByRole('button', { name: 'Join' }).click()
    await pb.getByRole('textbox', { name: 'Message' }).waitFor()
    await pb.getByRole('textbox', { name: 'Message' }).fill('Hi Alice!')
    await pb.keyboard.press('Enter')
    await pa.getByRole('log').getByText('Hi Alice!').waitFor({ timeout: 30_000 })
    const firstDelivery = Date.now() - opened

    await pa.getByRole('textbox', { name: 'Message' }).fill('Hello Bob, welcome.')
    await pa.getByRole('button', { name: 'Send' }).click()
    await pb.getByRole('log').getByText('Hello Bob, welcome.').waitFor({ timeout: 10_000 })

    // Each sees the other in the room, by name, and which messages are their own.
    await pa.getByRole('list', { name: 'People in this room' }).getByText('Bob').waitFor()
    await (await peopleIn(pb)).getByText('Alice Martin').waitFor()
    await expect.poll(async () => await pb.locator('.message.mine').allTextContents()).toEqual([expect.stringContaining('Hi Alice!')])
    await expect.poll(async () => await pa.locator('.message.mine .delivery').textContent()).toMatch(/^(Sent|Seen by Bob)/)

    mkdirSync('test-results', { recursive: true })
    writeFileSync('test-results/e2e-timing.json', JSON.stringify({ openRoomToFirstMessageMs: firstDelivery }, null, 2))
    console.log(`join (press Join) to first message delivered: ${firstDelivery} ms`)
    await pa.screenshot({ path: `${SHOTS}/room-desktop.png` })
    await pb.screenshot({ path: `${SHOTS}/room-phone.png` })
  })

  it('opens an invitation with the cursor in the name field, where Enter joins', async () => {
    const carol = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    try {
      const pc = await carol.newPage()
      await pc.goto(link)
      await expect.poll(async () => await pc.evaluate(() => document.activeElement?.id)).toBe('display-name')
      await pc.keyboard.type('Carol')
      await pc.keyboard.press('Enter')
      const box = pc.getByRole('textbox', { name: 'Message' })
      await box.fill('Carol here, joined with Enter')
      await box.press('Enter')
      await pa.getByRole('log').getByText('Carol here, joined with Enter').waitFor({ timeout: 30_000 })
      expect(await pc.getByRole('heading', { name: `Room ${code.slice(0, 5)}` }).count()).toBe(1)
    } finally {
      await carol.close()
    }
  })

  it('asks no STUN server when the relay names none', async () => {
    // A public STUN server would learn who talks to whom; the relay's operator may name one (--stun).
    const used = await pb.evaluate(() => (window as unknown as { iceServersUsed: RTCIceServer[][] }).iceServersUsed)
    expect(used.length).toBeGreaterThan(0)
    expect(used.flat()).toEqual([])
  })

  it('keeps identity, rooms and history after a reload', async () => {
    await pb.reload()
    await pb.getByRole('log').getByText('Hello Bob, welcome.').waitFor({ timeout: 10_000 })
    await pb.getByRole('log').getByText('Hi Alice!').waitFor()
    await pa.goto(relay.httpUrl)
    await expect.poll(async () => await pa.getByRole('textbox', { name: 'Display name' }).inputValue()).toBe('Alice Martin')
    await pa.getByRole('navigation', { name: 'Your rooms' }).getByRole('link', { name: `Room ${code.slice(0, 5)}` }).click()
    await pa.getByRole('log').getByText('Hi Alice!').waitFor({ timeout: 10_000 })

    // and the conversation carries on after the reload
    await pb.getByRole('textbox', { name: 'Message' }).fill('Still here after a reload')
    await pb.keyboard.press('Enter')
    await pa.getByRole('log').getByText('Still here after a reload').waitFor({ timeout: 30_000 })
  })
})
