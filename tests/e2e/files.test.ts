/**
 * End to end: an image and a file sent between two people in Chromium, through the UI only:
 * thumbnail and progress on both sides, the full image shown, both downloadable intact, a file
 * deleted from both devices, and a file over the limit refused with a clear message.
 */
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHUNK_BYTES, MAX_FILE_BYTES } from '../../src/files/constants.js'
import { launchBrowser } from '../helpers/browser.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { meetInARoom, messageIn as message, twoPeople } from '../helpers/two-people.js'

const SHOTS = 'test-results/screenshots'

/** Records, in the page, whether an element matching `selector` ever appeared. */
async function watchFor (page: Page, name: string, selector: string): Promise<void> {
  await page.evaluate(([name, selector]) => {
    const seen = (window as unknown as { seen: Record<string, boolean> })
    seen.seen ??= {}
    seen.seen[name] = false
    const observer = new MutationObserver(() => {
      if (document.querySelector(selector) !== null) { seen.seen[name] = true; observer.disconnect() }
    })
    observer.observe(document.body, { subtree: true, childList: true, attributes: true })
  }, [name, selector])
}

/** How many sealed file chunks the page's IndexedDB holds. */
async function storedChunks (page: Page): Promise<number> {
  return await page.evaluate(async () => await new Promise<number>((resolve, reject) => {
    const open = indexedDB.open('meshchat')
    open.onerror = () => { reject(open.error) }
    open.onsuccess = () => {
      const count = open.result.transaction('fileChunks').objectStore('fileChunks').count()
      count.onsuccess = () => { open.result.close(); resolve(count.result) }
      count.onerror = () => { reject(count.error) }
    }
  }))
}

async function wasSeen (page: Page, name: string): Promise<boolean> {
  return await page.evaluate(name => (window as unknown as { seen: Record<string, boolean> }).seen[name], name)
}

describe('files and images between two people', () => {
  let relay: RelayProcess
  let browser: Browser
  let pa: Page
  let pb: Page
  let png: Buffer
  let policyViolations: string[]

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelayProcess()
    browser = await launchBrowser()
    const people = await twoPeople(browser)
    ;({ pa, pb, policyViolations } = people)
    await meetInARoom(people, relay.httpUrl)
    await pb.getByRole('textbox', { name: 'Message' }).fill('hi Ann')
    await pb.keyboard.press('Enter')
    await message(pa, 'hi Ann').waitFor({ timeout: 30_000 })
    // A real photo-sized PNG (noise does not compress: a few MB), made by the browser itself.
    png = Buffer.from(await pa.evaluate(async () => {
      const canvas = document.createElement('canvas')
      canvas.width = 1000
      canvas.height = 750
      const context = canvas.getContext('2d')!
      const pixels = context.createImageData(1000, 750)
      for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256)
      context.putImageData(pixels, 0, 0)
      context.fillStyle = '#1f5f8b'
      context.fillRect(100, 100, 800, 200)
      const blob = await new Promise<Blob>(resolve => { canvas.toBlob(b => { resolve(b!) }, 'image/png') })
      const bytes = new Uint8Array(await blob.arrayBuffer())
      let binary = ''
      for (const b of bytes) binary += String.fromCharCode(b)
      return btoa(binary)
    }), 'base64')
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
  })

  it('sends an image: preview first, then progress on both sides, then the full image for Bob', async () => {
    expect(png.length).toBeGreaterThan(1024 * 1024)
    await watchFor(pa, 'uploading', 'progress[aria-label^="Uploading"]')
    await watchFor(pb, 'downloading', 'progress[aria-label^="Downloading"]')
    await pa.getByTestId('attach-input').setInputFiles({ name: 'lake.png', mimeType: 'image/png', buffer: png })
    await pa.getByRole('group', { name: 'File to send' }).getByText('lake.png').waitFor()
    await pa.getByRole('textbox', { name: 'Message' }).fill('The lake today')
    await pa.screenshot({ path: `${SHOTS}/files-preview-desktop.png` })
    await pa.getByRole('button', { name: 'Send', exact: true }).click()

    const received = message(pb, 'The lake today')
    await received.waitFor({ timeout: 30_000 })
    // The thumbnail shows at once; the full image replaces it once every chunk is in.
    await received.locator('img.full').waitFor({ timeout: 90_000 })
    const natural = await received.locator('img.full').evaluate(img => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])
    expect(natural).toEqual([1000, 750])
    expect(await wasSeen(pb, 'downloading')).toBe(true)
    await message(pa, 'The lake today').getByText('Downloaded by 1 person').waitFor({ timeout: 30_000 })
    expect(await wasSeen(pa, 'uploading')).toBe(true)
    await pb.screenshot({ path: `${SHOTS}/files-image-phone.png` })
    await pa.screenshot({ path: `${SHOTS}/files-image-desktop.png` })
  }, 150_000)

  it('opens the image large and saves it, byte for byte', async () => {
    await message(pb, 'The lake today').getByRole('button', { name: 'Open lake.png' }).click()
    const viewer = pb.getByRole('dialog', { name: 'lake.png' })
    await viewer.waitFor()
    await pb.screenshot({ path: `${SHOTS}/files-viewer-phone.png` })
    const [download] = await Promise.all([pb.waitForEvent('download'), viewer.getByRole('link', { name: 'Save' }).click()])
    expect(download.suggestedFilename()).toBe('lake.png')
    const saved = await download.createReadStream()
    const chunks: Buffer[] = []
    for await (const chunk of saved) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).equals(png)).toBe(true)
    await pb.keyboard.press('Escape')
    await expect.poll(async () => await viewer.count()).toBe(0)
  }, 60_000)

  it('sends a file that Bob downloads on click and saves intact', async () => {
    const data = Buffer.alloc(700 * 1024)
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) & 0xff
    await pa.getByTestId('attach-input').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: data })
    await pa.getByRole('button', { name: 'Send', exact: true }).click()
    const card = message(pb, 'notes.bin')
    await card.waitFor({ timeout: 30_000 })
    await card.getByText('700 KB').waitFor()
    await card.getByRole('button', { name: 'Download' }).click()
    await card.getByRole('link', { name: 'Save' }).waitFor({ timeout: 60_000 })
    await pb.screenshot({ path: `${SHOTS}/files-card-phone.png` })
    const [download] = await Promise.all([pb.waitForEvent('download'), card.getByRole('link', { name: 'Save' }).click()])
    const chunks: Buffer[] = []
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).equals(data)).toBe(true)
  }, 90_000)

  it('deletes a file for both: the message becomes a tombstone and the content leaves both devices', async () => {
    const heldByAnn = await storedChunks(pa)
    const heldByBob = await storedChunks(pb)
    const notesChunks = Math.ceil(700 * 1024 / CHUNK_BYTES)
    await message(pa, 'notes.bin').click()
    await message(pa, 'notes.bin').getByRole('button', { name: 'Delete' }).click()
    await pb.getByRole('log').getByText('This message was deleted').waitFor({ timeout: 15_000 })
    await expect.poll(async () => await message(pb, 'notes.bin').count()).toBe(0)
    await expect.poll(async () => await storedChunks(pb), { timeout: 10_000 }).toBe(heldByBob - notesChunks)
    await expect.poll(async () => await storedChunks(pa), { timeout: 10_000 }).toBe(heldByAnn - notesChunks)
  }, 60_000)

  it('shows progress on both sides while a large file moves, and it arrives intact', async () => {
    const data = Buffer.alloc(16 * 1024 * 1024)
    for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff
    await watchFor(pa, 'uploading-large', 'progress[aria-label="Uploading big.dat"]')
    await watchFor(pb, 'downloading-large', 'progress[aria-label="Downloading big.dat"]')
    await pa.getByTestId('attach-input').setInputFiles({ name: 'big.dat', mimeType: 'application/octet-stream', buffer: data })
    await pa.getByRole('button', { name: 'Send', exact: true }).click()
    const card = message(pb, 'big.dat')
    await card.getByRole('button', { name: 'Download' }).waitFor({ timeout: 60_000 })
    await card.getByRole('button', { name: 'Download' }).click({ timeout: 60_000 })
    // Pictures of the bars while they move (taken only if the transfer is still under way).
    await pb.locator('progress').first().waitFor({ timeout: 2_000 })
      .then(async () => { await pb.screenshot({ path: `${SHOTS}/files-progress-phone.png` }) }).catch(() => {})
    await pa.locator('progress').first().waitFor({ timeout: 2_000 })
      .then(async () => { await pa.screenshot({ path: `${SHOTS}/files-progress-desktop.png` }) }).catch(() => {})
    await card.getByRole('link', { name: 'Save' }).waitFor({ timeout: 120_000 })
    expect(await wasSeen(pb, 'downloading-large')).toBe(true)
    expect(await wasSeen(pa, 'uploading-large')).toBe(true)
    const [download] = await Promise.all([pb.waitForEvent('download'), card.getByRole('link', { name: 'Save' }).click()])
    const chunks: Buffer[] = []
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).equals(data)).toBe(true)
  }, 180_000)

  it('refuses a file over the limit with a clear message', async () => {
    await pa.getByTestId('attach-input').setInputFiles({ name: 'huge.iso', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MAX_FILE_BYTES + 1) })
    await pa.getByRole('alert').getByText(/"huge.iso" is too large \(25 MB\); files can be at most 25 MB/).waitFor()
    expect(await pa.getByRole('group', { name: 'File to send' }).count()).toBe(0)
  }, 60_000)

  // Last: it looks back over everything the tests above showed (thumbnails, full images, the
  // viewer, downloads), all under the relay's content security policy.
  it('shows and saves files within the content security policy, which stops injected scripts', async () => {
    expect(policyViolations).toEqual([])
    const ran = await pa.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.injectedScriptRan = true'
      document.body.append(script)
      return (window as unknown as { injectedScriptRan?: boolean }).injectedScriptRan === true
    })
    expect(ran).toBe(false)
    await expect.poll(() => policyViolations.length).toBe(1)
    expect(policyViolations[0]).toContain("script-src 'self'")
  })
})
