/**
 * End to end: the app installed from the real relay over HTTPS keeps working with the relay
 * gone. The service worker serves the shell, history comes from IndexedDB, the status says
 * offline, and a message written offline waits to be sent.
 */
import { mkdirSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { chromiumTrustArgs } from '../helpers/trust-in-chromium.js'

const SHOTS = 'test-results/screenshots'

describe('the app offline', () => {
  let relay: RelayProcess
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let origin = ''

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelayProcess()
    if (relay.ports.https === null) throw new Error('the relay started without HTTPS')
    // The relay's certificate names localhost. Chromium trusts it as a user who installed it
    // does: a service worker is only registered over a certificate the browser trusts.
    origin = `https://localhost:${relay.ports.https}`
    browser = await launchBrowser(await chromiumTrustArgs(relay.dataDir))
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true })
    page = await context.newPage()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
  })

  it('offers a manifest with icons, linked from the page', async () => {
    await page.goto(`${origin}/`)
    const href = await page.locator('link[rel="manifest"]').getAttribute('href')
    expect(href).toBe('/manifest.webmanifest')
    const manifest = await (await page.request.get(`${origin}${href}`)).json() as Record<string, unknown>
    expect(manifest).toMatchObject({ name: 'Meshchat', start_url: '/', display: 'standalone' })
    const icons = manifest.icons as Array<{ src: string, sizes: string, purpose: string }>
    for (const size of ['192x192', '512x512']) expect(icons.some(i => i.sizes === size && i.purpose === 'any')).toBe(true)
    expect(icons.some(i => i.purpose === 'maskable')).toBe(true)
    for (const icon of icons) expect((await page.request.get(`${origin}${icon.src}`)).status()).toBe(200)
    const touch = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href')
    expect((await page.request.get(`${origin}${touch}`)).headers()['content-type']).toBe('image/png')
  })

  it('keeps the room list and history when the relay is gone, and says it is offline', { timeout: 90_000 }, async () => {
    await page.getByRole('textbox', { name: 'Display name' }).fill('Olive')
    await page.getByRole('button', { name: 'Create room' }).click()
    await page.getByRole('textbox', { name: 'Message' }).fill('Written while online')
    await page.keyboard.press('Enter')
    await page.getByRole('log').getByText('Written while online').waitFor()
    const roomUrl = page.url()
    expect(roomUrl).toMatch(/#\/room\/[0-9a-f]{64}$/)

    // The worker installs after the first paint and takes the page once the shell is cached.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })

    await relay.stop()
    const response = await page.reload()
    expect(response?.fromServiceWorker()).toBe(true)

    await page.getByRole('log').getByText('Written while online').waitFor({ timeout: 10_000 })
    await page.getByRole('navigation', { name: 'Your rooms' }).getByRole('link', { name: /^Room / }).first().waitFor()
    await expect.poll(async () => await page.getByRole('status').filter({ hasText: /^Offline/ }).count(), { timeout: 20_000 }).toBeGreaterThan(0)
    await expect.poll(async () => await page.getByRole('alert').count()).toBe(0)

    await page.getByRole('textbox', { name: 'Message' }).fill('Written while offline')
    await page.keyboard.press('Enter')
    const offline = page.locator('.message.mine').filter({ hasText: 'Written while offline' })
    await expect.poll(async () => await offline.locator('.delivery').textContent()).toBe('Waiting to send')

    await page.screenshot({ path: `${SHOTS}/offline-room-desktop.png` })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: `${SHOTS}/offline-room-phone.png` })
    await page.goto(`${origin}/#/`)
    await page.getByRole('navigation', { name: 'Your rooms' }).waitFor()
    await page.screenshot({ path: `${SHOTS}/offline-rooms-phone.png` })
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('says when the device is out of space and keeps the unsaved message on screen as not sent', async () => {
    await page.getByRole('navigation', { name: 'Your rooms' }).getByRole('link', { name: /^Room / }).first().click()
    await page.getByRole('log').getByText('Written while offline').waitFor()
    // A full disk, as IndexedDB reports it.
    await page.evaluate(() => {
      const full = (): never => { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError') }
      IDBObjectStore.prototype.add = full
      IDBObjectStore.prototype.put = full
    })
    await page.getByRole('textbox', { name: 'Message' }).fill('No room for this one')
    await page.keyboard.press('Enter')
    const unsaved = page.locator('.message.unsent').filter({ hasText: 'No room for this one' })
    await expect.poll(async () => await unsaved.locator('.delivery').textContent()).toContain('Not sent')
    await expect.poll(async () => await page.getByRole('status').filter({ hasText: 'out of space' }).count()).toBe(1)
    // Nothing stored before is gone.
    await page.getByRole('log').getByText('Written while online').waitFor()
    await page.getByRole('log').getByText('Written while offline').waitFor()
    await page.screenshot({ path: `${SHOTS}/out-of-space-desktop.png` })
  })
})
