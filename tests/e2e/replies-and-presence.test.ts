/**
 * End to end, through the UI only, between two people in Chromium: join notices, a reply with
 * its quote on the other side, an avatar colour change seen by the other, and "last seen" once
 * the other has gone.
 */
import { mkdirSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { meetInARoom, messageIn as message, peopleIn, twoPeople } from '../helpers/two-people.js'

const SHOTS = 'test-results/screenshots'
/** Purple in the avatar palette (src/identity/avatar-colours.ts), as computed CSS. */
const PURPLE = 'rgb(123, 45, 155)'

describe('replies, notices, colours and last seen between two people', () => {
  let relay: RelayProcess
  let browser: Browser
  let ann: BrowserContext
  let pa: Page
  let pb: Page
  let policyViolations: string[]

  const notice = (page: Page, text: string) => page.getByRole('log').locator('.system-notice', { hasText: text })
  const member = (page: Page, name: string) => page.getByRole('list', { name: 'People in this room' }).locator('li', { hasText: name })

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelayProcess()
    browser = await launchBrowser()
    const people = await twoPeople(browser)
    ;({ ann, pa, pb, policyViolations } = people)
    await meetInARoom(people, relay.httpUrl)
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
  })

  it('shows who joined, in the log, on both sides', async () => {
    await notice(pa, 'Bob joined').waitFor({ timeout: 30_000 })
    await notice(pa, 'You joined').waitFor()
    // Ann joined before Bob was there: her notice reaches him by history sync.
    await notice(pb, 'Ann joined').waitFor({ timeout: 30_000 })
    await notice(pb, 'You joined').waitFor()
  }, 60_000)

  it('replies to a message; the other side shows the quote, which leads to the original', async () => {
    await pb.getByRole('textbox', { name: 'Message' }).fill('lunch at noon?\nor later')
    await pb.getByRole('button', { name: 'Send' }).click()
    await message(pa, 'lunch at noon?').waitFor({ timeout: 15_000 })

    await message(pa, 'lunch at noon?').hover()
    await message(pa, 'lunch at noon?').getByRole('button', { name: 'Reply', exact: true }).click()
    const banner = pa.getByRole('group', { name: 'Replying' })
    await banner.getByText('Replying to Bob').waitFor()
    await pa.keyboard.press('Escape')
    await banner.waitFor({ state: 'detached' })

    await message(pa, 'lunch at noon?').hover()
    await message(pa, 'lunch at noon?').getByRole('button', { name: 'Reply', exact: true }).click()
    await banner.waitFor()
    await pa.screenshot({ path: `${SHOTS}/reply-composer-desktop.png` })
    await pa.getByRole('textbox', { name: 'Message' }).fill('noon works')
    await pa.keyboard.press('Enter')
    await banner.waitFor({ state: 'detached' })

    const reply = message(pb, 'noon works')
    await reply.waitFor({ timeout: 15_000 })
    const quote = reply.getByRole('button', { name: /In reply to Bob: lunch at noon\?/ })
    await quote.waitFor()
    expect(await quote.textContent()).not.toContain('or later')
    await pb.screenshot({ path: `${SHOTS}/reply-phone.png` })
    await quote.click()
    // The original is the message whose own text (not a quote) says so.
    const original = pb.getByRole('log').locator('article', { has: pb.locator('p.text', { hasText: 'lunch at noon?' }) })
    await expect.poll(async () => await original.getAttribute('class'), { timeout: 5_000 }).toContain('focused')
    await pa.screenshot({ path: `${SHOTS}/reply-desktop.png` })

    // On the phone: start a reply, see what it answers, and cancel it with its button.
    await reply.click()
    await reply.getByRole('button', { name: 'Reply', exact: true }).click()
    const phoneBanner = pb.getByRole('group', { name: 'Replying' })
    await phoneBanner.getByText('Replying to Ann').waitFor()
    await phoneBanner.getByText('noon works').waitFor()
    await pb.screenshot({ path: `${SHOTS}/reply-composer-phone.png` })
    await phoneBanner.getByRole('button', { name: 'Cancel reply' }).click()
    await phoneBanner.waitFor({ state: 'detached' })
  }, 60_000)

  it('shows the colour Ann picks to Bob, on her avatar in the member list', async () => {
    await pa.getByRole('link', { name: /Ann/ }).first().click()
    await pa.getByRole('radio', { name: 'Purple' }).check()
    await pa.screenshot({ path: `${SHOTS}/avatar-colour-desktop.png` })
    await peopleIn(pb)
    const avatar = member(pb, 'Ann').locator('.avatar')
    await expect.poll(async () => await avatar.evaluate(el => getComputedStyle(el).backgroundColor), { timeout: 20_000 }).toBe(PURPLE)
    await pb.screenshot({ path: `${SHOTS}/avatar-colour-phone.png` })
    await pa.goBack()
    // The picker on a phone, used with the keyboard: arrows move through the palette.
    const roomUrl = pb.url()
    await pb.goto(`${new URL(roomUrl).origin}/#/profile`)
    await pb.getByRole('radio', { name: 'Automatic' }).focus()
    await pb.keyboard.press('ArrowRight')
    await expect.poll(async () => await pb.getByRole('radio', { name: 'Red' }).isChecked()).toBe(true)
    await pb.screenshot({ path: `${SHOTS}/avatar-colour-picker-phone.png` })
    await pb.goto(roomUrl)
    await pb.getByRole('textbox', { name: 'Message' }).waitFor()
    await peopleIn(pb)
  }, 60_000)

  it('says "last seen" for Ann once her browser has gone', async () => {
    await member(pb, 'Ann').getByText('online').waitFor({ timeout: 20_000 })
    await ann.close()
    await member(pb, 'Ann').getByText(/last seen (just now|\d+ min ago)/).waitFor({ timeout: 70_000 })
    await pb.screenshot({ path: `${SHOTS}/last-seen-phone.png` })
    // A room of two also says it in the header, where there is room for it (not on a phone).
    await pb.setViewportSize({ width: 1280, height: 800 })
    await pb.getByText(/Ann · last seen/).waitFor()
    await pb.screenshot({ path: `${SHOTS}/last-seen-desktop.png` })
  }, 90_000)

  it('did all of the above within the content security policy', () => {
    expect(policyViolations).toEqual([])
  })
})
