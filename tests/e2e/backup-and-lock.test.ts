/**
 * End to end, in Chromium through the UI only: a backup made on one device (downloaded), restored
 * on a fresh one with its passphrase (same identity, rooms and their history back), and the app
 * lock (nothing readable of the key at rest, wrong passphrase refused, turned off again).
 */
import { mkdirSync, readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'

const SHOTS = 'test-results/screenshots'
const PASSPHRASE = 'purple otter balloon'

describe('identity backup, restore and app lock', () => {
  let relay: RelayProcess
  let browser: Browser
  let desk: BrowserContext
  let phone: BrowserContext
  let pa: Page
  let pb: Page
  let roomId = ''
  let backupText = ''
  let fingerprint = ''

  const message = (page: Page, text: string) => page.getByRole('log').locator('article', { hasText: text })

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelayProcess()
    browser = await launchBrowser()
    desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    pa = await desk.newPage()
    pb = await phone.newPage()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
  })

  it('makes a backup on the first device, as a file and as text', async () => {
    await pa.goto(relay.httpUrl)
    await pa.getByRole('textbox', { name: 'Display name' }).fill('Ann')
    await pa.getByRole('button', { name: 'Create room' }).click()
    await pa.getByRole('textbox', { name: 'Message' }).fill('written before the backup')
    await pa.keyboard.press('Enter')
    await message(pa, 'written before the backup').waitFor()
    roomId = /#\/room\/([0-9a-f]{64})/.exec(pa.url())![1]

    await pa.goto(`${relay.httpUrl}/#/profile`)
    fingerprint = (await pa.locator('.fingerprint').getAttribute('data-fingerprint'))!
    await pa.getByLabel('Passphrase', { exact: true }).first().fill('short')
    await pa.getByLabel('Passphrase again').first().fill('short')
    await pa.getByRole('button', { name: 'Create backup' }).click()
    await expect.poll(async () => await pa.getByRole('alert').first().textContent()).toContain('at least 8 characters')

    await pa.getByLabel('Passphrase', { exact: true }).first().fill(PASSPHRASE)
    await pa.getByLabel('Passphrase again').first().fill(PASSPHRASE)
    await pa.getByRole('button', { name: 'Create backup' }).click()
    const text = pa.getByRole('textbox', { name: 'Backup text', exact: true })
    await text.waitFor({ timeout: 20_000 })
    backupText = await text.inputValue()
    expect(backupText).toMatch(/^-----BEGIN MESHCHAT BACKUP-----\n/)

    const [download] = await Promise.all([pa.waitForEvent('download'), pa.getByRole('link', { name: 'Download file' }).click()])
    expect(download.suggestedFilename()).toMatch(/^meshchat-backup-\d{4}-\d{2}-\d{2}\.txt$/)
    expect(readFileSync((await download.path())!, 'utf8')).toBe(backupText)
    await pa.getByRole('heading', { name: 'Back up your identity' }).evaluate(el => { el.scrollIntoView({ block: 'start' }) })
    await pa.screenshot({ path: `${SHOTS}/backup-desktop.png` })
  }, 60_000)

  it('restores it on a fresh device from the file: same identity, the room and its history come back', async () => {
    await pb.goto(relay.httpUrl)
    await pb.getByRole('heading', { name: 'Restore from a backup' }).evaluate(el => { el.scrollIntoView({ block: 'start' }) })
    await pb.screenshot({ path: `${SHOTS}/restore-phone.png` })

    await pb.getByLabel('Backup file').setInputFiles({ name: 'meshchat-backup.txt', mimeType: 'text/plain', buffer: Buffer.from(backupText) })
    await expect.poll(async () => await pb.getByRole('textbox', { name: 'Or paste the backup text' }).inputValue()).toBe(backupText)
    await pb.getByLabel('Backup passphrase').fill('not the passphrase')
    await pb.getByLabel('Backup passphrase').press('Enter') // the keyboard way
    await expect.poll(async () => await pb.getByRole('alert').first().textContent(), { timeout: 20_000 }).toContain('Wrong passphrase')

    await pb.getByLabel('Backup passphrase').fill(PASSPHRASE)
    await pb.getByLabel('Backup passphrase').press('Enter')
    const roomLink = pb.locator(`a[href="#/room/${roomId}"]`)
    await roomLink.first().waitFor({ timeout: 30_000 })
    await roomLink.first().click()
    await message(pb, 'written before the backup').waitFor({ timeout: 60_000 }) // by history sync from the first device

    await pb.goto(`${relay.httpUrl}/#/profile`)
    await expect.poll(async () => await pb.locator('.fingerprint').getAttribute('data-fingerprint')).toBe(fingerprint)
    expect(await pb.getByRole('textbox', { name: 'Display name' }).inputValue()).toBe('Ann')
  }, 120_000)

  it('pasted text with a damaged character is refused with a clear error', async () => {
    await pb.goto(`${relay.httpUrl}/#/profile`)
    const lines = backupText.split('\n')
    lines[2] = lines[2].slice(0, 10) + '!' + lines[2].slice(11)
    await pb.getByRole('textbox', { name: 'Or paste the backup text' }).fill(lines.join('\n'))
    await pb.getByLabel('Backup passphrase').fill(PASSPHRASE)
    await pb.getByRole('button', { name: 'Restore', exact: true }).click()
    // this device already has an identity in use: restoring asks first
    await pb.getByRole('alertdialog', { name: 'Replace the identity on this device?' }).waitFor()
    await pb.getByRole('button', { name: 'Replace identity' }).click()
    await expect.poll(async () => await pb.getByRole('alert').first().textContent(), { timeout: 20_000 }).toContain('damaged')
  }, 60_000)

  it('locks the app: the key is sealed at rest, a wrong passphrase is refused, the right one opens it', async () => {
    await pb.goto(`${relay.httpUrl}/#/profile`)
    await pb.getByLabel('Passphrase', { exact: true }).nth(1).fill('lock me please')
    await pb.getByLabel('Passphrase again').nth(1).fill('lock me please')
    await pb.getByRole('button', { name: 'Turn lock on' }).click()
    await pb.getByText('The lock is on').waitFor({ timeout: 20_000 })

    const atRest = await pb.evaluate(async () => await new Promise<string[]>((resolve, reject) => {
      const open = indexedDB.open('meshchat')
      open.onerror = () => { reject(open.error) }
      open.onsuccess = () => {
        const get = open.result.transaction('meta').objectStore('meta').get('identity')
        get.onsuccess = () => { resolve(Object.keys((get.result as { value: object }).value)); open.result.close() }
      }
    }))
    expect(atRest).toEqual(['locked'])

    await pb.reload()
    await pb.getByRole('heading', { name: 'Meshchat is locked' }).waitFor()
    await pb.screenshot({ path: `${SHOTS}/lock-phone.png` })
    await pb.getByLabel('Passphrase').fill('wrong guess')
    await pb.getByRole('button', { name: 'Unlock' }).click()
    await expect.poll(async () => await pb.getByRole('alert').first().textContent(), { timeout: 20_000 }).toContain('Wrong passphrase')
    await pb.getByLabel('Passphrase').fill('lock me please')
    await pb.keyboard.press('Enter')
    await pb.getByRole('heading', { name: 'Your profile' }).waitFor({ timeout: 20_000 })
    expect(await pb.locator('.fingerprint').getAttribute('data-fingerprint')).toBe(fingerprint)

    // Turning it off asks for the passphrase.
    const lockOff = pb.getByRole('form', { name: 'App lock' }).getByLabel('Passphrase', { exact: true })
    await lockOff.fill('not it at all')
    await pb.getByRole('button', { name: 'Turn lock off' }).click()
    await expect.poll(async () => await pb.getByRole('alert').first().textContent(), { timeout: 20_000 }).toContain('Wrong passphrase')
    await lockOff.fill('lock me please')
    await pb.getByRole('button', { name: 'Turn lock off' }).click()
    await pb.getByText('The lock is off').waitFor({ timeout: 20_000 })
    await pb.reload()
    await pb.getByRole('heading', { name: 'Your profile' }).waitFor()
  }, 120_000)

  it('shows the lock screen at desktop width', async () => {
    const page = await desk.newPage()
    await page.goto(`${relay.httpUrl}/#/profile`)
    await page.getByLabel('Passphrase', { exact: true }).nth(1).fill('desk lock phrase')
    await page.getByLabel('Passphrase again').nth(1).fill('desk lock phrase')
    await page.getByRole('button', { name: 'Turn lock on' }).click()
    await page.getByText('The lock is on').waitFor({ timeout: 20_000 })
    await page.reload()
    await page.getByRole('heading', { name: 'Meshchat is locked' }).waitFor()
    await page.screenshot({ path: `${SHOTS}/lock-desktop.png` })
    await page.getByLabel('Passphrase').fill('desk lock phrase')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Your profile' }).waitFor({ timeout: 20_000 })
    await page.close()
  }, 60_000)
})
