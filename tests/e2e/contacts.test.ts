/**
 * End to end: two isolated Chromium contexts, through the UI only. A member of a shared room
 * asks another to be a contact, the request is accepted, and the two write in their direct room.
 */
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { readQrCode } from '../helpers/qr-code.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { meetInARoom, twoPeople } from '../helpers/two-people.js'
import type { TwoPeople } from '../helpers/two-people.js'

const SHOTS = 'test-results/screenshots'

describe('contacts and direct messages in Chromium', () => {
  let relay: RelayProcess
  let browser: Browser
  let both: TwoPeople
  let pa: Page
  let pb: Page

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelayProcess()
    browser = await launchBrowser()
    both = await twoPeople(browser)
    ;({ pa, pb } = both)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
  })

  it('a request from a shared room member, accepted, opens a direct conversation both can write in', async () => {
    await meetInARoom(both, relay.httpUrl, 'Alice Martin')

    const people = pa.getByRole('list', { name: 'People in this room' })
    await people.getByText('Bob').waitFor({ timeout: 30_000 })
    await people.getByRole('button', { name: 'Add Bob as a contact' }).click()
    await people.getByText('request sent').waitFor()
    // Alice's side of the direct room is there at once, waiting for Bob.
    const aliceRooms = pa.getByRole('navigation', { name: 'Your rooms' })
    await aliceRooms.getByRole('link', { name: /^Bob/ }).waitFor()

    await pb.goto(`${relay.httpUrl}#/contacts`)
    const request = pb.getByRole('listitem').filter({ hasText: 'wants to be your contact' })
    await request.getByText('Alice Martin').waitFor({ timeout: 30_000 })
    await pb.screenshot({ path: `${SHOTS}/contact-request-phone.png` })
    await request.getByRole('button', { name: 'Accept' }).click()
    await pb.getByRole('heading', { name: 'Alice Martin', level: 1 }).waitFor({ timeout: 15_000 })
    // A direct room has nothing to invite with and nobody to remove.
    expect(await pb.getByRole('textbox', { name: 'Share link' }).count()).toBe(0)
    await pb.getByRole('textbox', { name: 'Message' }).fill('Hi Alice, just us here')
    await pb.keyboard.press('Enter')

    await aliceRooms.getByRole('link', { name: /^Bob/ }).click()
    await pa.getByRole('heading', { name: 'Bob', level: 1 }).waitFor()
    await pa.getByRole('log').getByText('Hi Alice, just us here').waitFor({ timeout: 30_000 })
    await expect.poll(async () => await pa.getByRole('status').filter({ hasText: 'Waiting for Bob' }).count()).toBe(0)
    await pa.getByRole('textbox', { name: 'Message' }).fill('Hello Bob, privately')
    await pa.keyboard.press('Enter')
    await pb.getByRole('log').getByText('Hello Bob, privately').waitFor({ timeout: 30_000 })
    expect(await pa.getByRole('textbox', { name: 'Share link' }).count()).toBe(0)
    await pa.screenshot({ path: `${SHOTS}/direct-room-desktop.png` })
    await pb.screenshot({ path: `${SHOTS}/direct-room-phone.png` })
  }, 120_000)

  it('shows the same safety code on both sides, and marks the contact verified', async () => {
    await pa.goto(`${relay.httpUrl}#/contacts`)
    await pb.goto(`${relay.httpUrl}#/contacts`)
    const codeOn = async (page: Page, name: string): Promise<string> => {
      const item = page.getByRole('listitem').filter({ hasText: name })
      await item.getByText('Verify safety code').click()
      return (await item.locator('.safety-code').textContent()) ?? ''
    }
    const aliceCode = await codeOn(pa, 'Bob')
    const bobCode = await codeOn(pb, 'Alice Martin')
    expect(aliceCode).toMatch(/^(\d{5} ){11}\d{5}$/)
    expect(bobCode).toBe(aliceCode)
    await pa.getByRole('checkbox', { name: /The codes match/ }).check()
    await pa.getByText('✓ verified').waitFor()
    await pa.screenshot({ path: `${SHOTS}/contacts-desktop.png` })
    await pb.screenshot({ path: `${SHOTS}/contacts-phone.png` })
  })

  it('shows a contact link as a QR code that reads back as the link', async () => {
    await pb.goto(`${relay.httpUrl}#/contacts`)
    const own = pb.getByRole('region', { name: 'Your contact link' })
    const link = await own.getByRole('textbox', { name: 'Contact link' }).inputValue()
    await own.getByRole('button', { name: 'Show QR code' }).click()
    const qr = own.getByRole('img', { name: 'QR code of your contact link' })
    await qr.scrollIntoViewIfNeeded()
    await pb.screenshot({ path: `${SHOTS}/contact-qr-phone.png` })
    expect(await readQrCode(browser, await qr.screenshot())).toBe(link)
  })

  it('a backup brings Alice\'s contacts to a new device: Bob, verified, their direct room, and the same contact link', async () => {
    await pa.goto(`${relay.httpUrl}#/contacts`)
    const link = await pa.getByRole('region', { name: 'Your contact link' }).getByRole('textbox', { name: 'Contact link' }).inputValue()
    await pa.goto(`${relay.httpUrl}#/profile`)
    await pa.getByLabel('Passphrase', { exact: true }).first().fill('purple otter balloon')
    await pa.getByLabel('Passphrase again').first().fill('purple otter balloon')
    await pa.getByRole('button', { name: 'Create backup' }).click()
    const text = pa.getByRole('textbox', { name: 'Backup text', exact: true })
    await text.waitFor({ timeout: 20_000 })
    const backup = await text.inputValue()

    const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const pc = await laptop.newPage()
    await pc.goto(relay.httpUrl)
    await pc.getByRole('textbox', { name: 'Or paste the backup text' }).fill(backup)
    await pc.getByLabel('Backup passphrase').fill('purple otter balloon')
    await pc.getByLabel('Backup passphrase').press('Enter')
    // Bob's direct room is listed under his name, the inbox where requests arrive is not: the
    // same rooms as on Alice's first device.
    const roomLinks = async (page: Page): Promise<string[]> => (await page.getByRole('navigation', { name: 'Your rooms' })
      .locator('a[href^="#/room/"]').evaluateAll(links => links.map(a => `${a.getAttribute('href')} ${a.querySelector('.room-name')?.textContent}`))).sort()
    await pc.getByRole('navigation', { name: 'Your rooms' }).getByRole('link', { name: /^Bob/ }).waitFor({ timeout: 30_000 })
    await pa.goto(`${relay.httpUrl}#/contacts`)
    expect(await roomLinks(pc)).toEqual(await roomLinks(pa))

    await pc.goto(`${relay.httpUrl}#/contacts`)
    await pc.getByRole('listitem').filter({ hasText: 'Bob' }).getByText('✓ verified').waitFor()
    expect(await pc.getByRole('region', { name: 'Your contact link' }).getByRole('textbox', { name: 'Contact link' }).inputValue()).toBe(link)

    await pc.getByRole('listitem').filter({ hasText: 'Bob' }).getByRole('button', { name: 'Message' }).click()
    await pc.getByRole('heading', { name: 'Bob', level: 1 }).waitFor()
    await pc.getByRole('textbox', { name: 'Message' }).fill('Alice here, from the laptop')
    await pc.keyboard.press('Enter')
    await pb.goto(`${relay.httpUrl}${new URL(pc.url()).hash}`) // the same direct room on Bob's side
    await pb.getByRole('log').getByText('Alice here, from the laptop').waitFor({ timeout: 30_000 })
    await laptop.close()
  }, 120_000)

  it('did all of the above within the content security policy', () => {
    expect(both.policyViolations).toEqual([])
  })
})
