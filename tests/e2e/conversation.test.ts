/**
 * End to end: edits, deletions, reactions, typing, "seen by" and presence, between two people
 * in Chromium, through the UI only.
 */
import { mkdirSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { startRelayProcess } from '../helpers/relay-process.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { meetInARoom, messageIn as message, twoPeople } from '../helpers/two-people.js'

const SHOTS = 'test-results/screenshots'

describe('a conversation between two people', () => {
  let relay: RelayProcess
  let browser: Browser
  let bob: BrowserContext
  let pa: Page
  let pb: Page
  let policyViolations: string[]

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelayProcess()
    browser = await launchBrowser()
    const people = await twoPeople(browser)
    ;({ bob, pa, pb, policyViolations } = people)
    await meetInARoom(people, relay.httpUrl)
    await pb.getByRole('textbox', { name: 'Message' }).fill('hi Ann')
    await pb.keyboard.press('Enter')
    await message(pa, 'hi Ann').waitFor({ timeout: 30_000 })
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
  })

  it('shows the other typing', async () => {
    await pa.getByRole('textbox', { name: 'Message' }).pressSequentially('lunch at', { delay: 30 })
    await expect.poll(async () => await pb.locator('.typing').textContent(), { timeout: 10_000 }).toContain('Ann is typing')
  })

  it('edits a message on both sides, marked edited', async () => {
    await pa.getByRole('textbox', { name: 'Message' }).fill('lunch at noom?')
    await pa.keyboard.press('Enter')
    await message(pb, 'lunch at noom?').waitFor({ timeout: 15_000 })
    await message(pa, 'lunch at noom?').click()
    await message(pa, 'lunch at noom?').getByRole('button', { name: 'Edit' }).click()
    const editor = pa.getByRole('textbox', { name: 'Edit message' })
    await editor.fill('lunch at noon?')
    await editor.press('Enter')
    await message(pb, 'lunch at noon?').getByText('(edited)').waitFor({ timeout: 15_000 })
    await expect.poll(async () => await message(pa, 'lunch at noon?').count()).toBe(1)
  })

  it('reacts, and both see the count and who', async () => {
    await message(pb, 'lunch at noon?').click()
    await message(pb, 'lunch at noon?').getByRole('button', { name: 'React', exact: true }).click()
    await pb.getByRole('button', { name: 'React with 👍' }).click()
    const chip = message(pa, 'lunch at noon?').getByRole('button', { name: /👍 1, by Bob/ })
    await chip.waitFor({ timeout: 15_000 })
    await pa.screenshot({ path: `${SHOTS}/conversation-desktop.png` })
  })

  it('shows a message\'s actions, drawn as icons, beside or above it, never over its name, time or text', async () => {
    for (const [page, text] of [[pa, 'hi Ann'], [pa, 'lunch at noon?'], [pb, 'lunch at noon?'], [pb, 'hi Ann']] as const) {
      const shown = message(page, text)
      const bubble = (await shown.locator('.bubble').boundingBox())!
      if (page === pb) await pb.touchscreen.tap(bubble.x + bubble.width / 2, bubble.y + bubble.height / 2)
      else await shown.hover()
      const toolbar = shown.getByRole('toolbar', { name: 'Message actions' })
      await toolbar.waitFor()
      // Drawn icons, not characters a device may have no font for.
      expect(await toolbar.getByRole('button').evaluateAll(buttons => buttons.every(b => b.querySelector('svg') !== null && b.textContent === ''))).toBe(true)
      const covers = await shown.evaluate(article => {
        const bar = article.querySelector('.message-actions')!.getBoundingClientRect()
        const bubble = article.querySelector('.bubble')!
        const box = bubble.getBoundingClientRect()
        const pad = getComputedStyle(bubble)
        // The bubble's content: inside its padding, where the name, time and text are.
        const content = {
          top: box.top + parseFloat(pad.paddingTop),
          bottom: box.bottom - parseFloat(pad.paddingBottom),
          left: box.left + parseFloat(pad.paddingLeft),
          right: box.right - parseFloat(pad.paddingRight)
        }
        return bar.left < content.right && content.left < bar.right && bar.top < content.bottom && content.top < bar.bottom
      })
      expect(covers, `actions of "${text}"`).toBe(false)
    }
  })

  it('on a phone, scrolls a tapped message\'s actions into view when it sits at the top of the list', async () => {
    await pb.setViewportSize({ width: 390, height: 560 })
    try {
      // Nothing picked yet: a tap outside the conversation.
      await pb.getByRole('heading', { level: 1 }).tap()
      const shown = message(pb, 'hi Ann')
      const list = pb.getByRole('log')
      // The message's top at the list's top: the actions above it would be cut off.
      await list.evaluate((log, article) => {
        log.scrollTop += (article as Element).getBoundingClientRect().top - log.getBoundingClientRect().top
      }, await shown.elementHandle())
      const bubble = (await shown.locator('.bubble').boundingBox())!
      await pb.touchscreen.tap(bubble.x + bubble.width / 2, bubble.y + bubble.height / 2)
      const toolbar = shown.getByRole('toolbar', { name: 'Message actions' })
      await toolbar.waitFor()
      await expect.poll(async () => {
        const [bar, box] = await Promise.all([toolbar.boundingBox(), list.boundingBox()])
        return bar!.y >= box!.y
      }).toBe(true)
    } finally {
      await pb.setViewportSize({ width: 390, height: 844 })
    }
  })

  it('on a phone, a tap shows a short message\'s actions without pressing one, and its reactions open whole on the screen', async () => {
    // A second message right after one's first is grouped with it: a small bubble, without a name line.
    for (const text of ['sure', 'ok!']) {
      await pb.getByRole('textbox', { name: 'Message' }).fill(text)
      await pb.keyboard.press('Enter')
    }
    const mine = message(pb, 'ok!')
    await mine.and(pb.locator('.grouped')).waitFor()
    const bubble = (await mine.locator('.bubble').boundingBox())!
    await pb.touchscreen.tap(bubble.x + bubble.width / 2, bubble.y + bubble.height / 2)
    const react = mine.getByRole('button', { name: 'React', exact: true })
    await react.waitFor()
    expect(await pb.getByText('Replying to').count()).toBe(0)
    expect(await pb.getByRole('group', { name: 'Pick a reaction' }).count()).toBe(0)
    await react.tap()
    const choices = pb.getByRole('group', { name: 'Pick a reaction' }).getByRole('button')
    await choices.first().waitFor()
    // Each choice is on the screen and is what a finger on it would touch (nothing clips it).
    const touchable = await choices.evaluateAll(buttons => buttons.map(b => {
      const r = b.getBoundingClientRect()
      return r.left >= 0 && r.right <= innerWidth && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b
    }))
    expect(touchable).toEqual(touchable.map(() => true))
    await choices.first().tap()
    await mine.getByRole('button', { name: /👍 1, by you/ }).waitFor()
  })

  it('says who has seen a message', async () => {
    await expect.poll(async () => await message(pa, 'lunch at noon?').locator('.delivery').textContent(), { timeout: 15_000 })
      .toContain('Seen by Bob')
  })

  it('deletes a message for both, leaving a tombstone', async () => {
    await pb.getByRole('textbox', { name: 'Message' }).fill('wrong chat, sorry')
    await pb.keyboard.press('Enter')
    await message(pa, 'wrong chat, sorry').waitFor({ timeout: 15_000 })
    await message(pb, 'wrong chat, sorry').click()
    await message(pb, 'wrong chat, sorry').getByRole('button', { name: 'Delete' }).click()
    await pa.getByRole('log').getByText('This message was deleted').waitFor({ timeout: 15_000 })
    await expect.poll(async () => await pa.getByRole('log').getByText('wrong chat, sorry').count()).toBe(0)
    await pb.screenshot({ path: `${SHOTS}/conversation-phone.png` })
  })

  it('names the room for both: each header and room list say the name, each log who gave it', async () => {
    const field = pa.getByRole('textbox', { name: 'Room name' })
    await field.fill('Lunch crew')
    await field.press('Enter')
    await pa.getByRole('heading', { name: 'Lunch crew', level: 1 }).waitFor()
    await pb.getByRole('heading', { name: 'Lunch crew', level: 1 }).waitFor({ timeout: 15_000 })
    await pa.getByRole('navigation', { name: 'Your rooms' }).getByRole('link', { name: /Lunch crew/ }).waitFor()
    await expect.poll(async () => await pb.locator('#room-name-by').textContent()).toBe('Named by Ann. Everyone in the room sees the name.')
    await pb.getByRole('log').getByText('Ann named the room “Lunch crew”').waitFor()
    await pa.getByRole('log').getByText('You named the room “Lunch crew”').waitFor()
    // On the phone the name's details are folded, above the conversation.
    await pb.locator('summary', { hasText: 'Room name' }).click()
    expect(await pb.getByRole('textbox', { name: 'Room name' }).inputValue()).toBe('Lunch crew')
    await pa.screenshot({ path: `${SHOTS}/room-named-desktop.png` })
  })

  it('moves between messages with the arrow keys, and reaches a message\'s actions with Tab', async () => {
    const log = pa.getByRole('log', { name: 'Messages' })
    const keys = await log.locator('article.message').evaluateAll(els => els.map(e => e.getAttribute('data-key')))
    expect(keys.length).toBeGreaterThanOrEqual(3)
    const focused = async (): Promise<string | null | undefined> => await pa.evaluate(() => document.activeElement?.getAttribute('data-key'))
    await log.focus()
    await pa.keyboard.press('ArrowUp') // from the list itself: the newest message
    expect(await focused()).toBe(keys.at(-1))
    await pa.keyboard.press('ArrowUp')
    expect(await focused()).toBe(keys.at(-2))
    await pa.screenshot({ path: `${SHOTS}/conversation-keyboard.png` })
    await pa.keyboard.press('Home')
    expect(await focused()).toBe(keys[0])
    await pa.keyboard.press('ArrowUp') // stays on the first
    expect(await focused()).toBe(keys[0])
    await pa.keyboard.press('ArrowDown')
    expect(await focused()).toBe(keys[1])
    await pa.keyboard.press('End')
    expect(await focused()).toBe(keys.at(-1))
    await pa.keyboard.press('Home') // "hi Ann" (the newest is deleted and has no actions)
    await pa.keyboard.press('Tab')
    expect(await pa.evaluate(() => document.activeElement?.closest('article')?.getAttribute('data-key'))).toBe(keys[0])
    expect(await pa.evaluate(() => document.activeElement?.closest('[role=toolbar]')?.getAttribute('aria-label'))).toBe('Message actions')
  })

  it('says how many new messages arrived below while reading further up, and goes to them', async () => {
    const box = pb.getByRole('textbox', { name: 'Message' })
    for (let i = 1; i <= 14; i++) {
      await box.fill(`line ${i} of a long story`)
      await box.press('Enter')
    }
    await message(pa, 'line 14 of a long story').waitFor({ timeout: 15_000 })
    const log = pa.getByRole('log')
    await log.evaluate(el => { el.scrollTop = 0 })
    const jump = pa.getByRole('button', { name: /new message/ })
    expect(await jump.count()).toBe(0)
    for (const text of ['and then', 'the end']) {
      await box.fill(text)
      await box.press('Enter')
    }
    await jump.filter({ hasText: '2 new messages' }).waitFor({ timeout: 15_000 })
    await pa.screenshot({ path: `${SHOTS}/new-messages-below-desktop.png` })
    await jump.click()
    await expect.poll(async () => await message(pa, 'the end').evaluate(el => {
      const a = el.getBoundingClientRect()
      const b = el.closest('[role=log]')!.getBoundingClientRect()
      return a.top >= b.top && a.bottom <= b.bottom + 1
    })).toBe(true)
    await jump.waitFor({ state: 'detached' })
  })

  it('shows the other going offline when they close the app', async () => {
    const people = pa.getByRole('list', { name: 'People in this room' })
    await people.locator('li', { hasText: 'Bob' }).getByText('online').waitFor()
    await bob.close()
    // Away members show when they were last seen.
    await people.locator('li', { hasText: 'Bob' }).getByText(/last seen/).waitFor({ timeout: 60_000 })
  }, 90_000)

  it('did all of the above within the content security policy', () => {
    expect(policyViolations).toEqual([])
  })
  it('on a tablet, the conversation keeps its width and the room\'s details fold above it, and open beside it when widened', async () => {
    await pa.setViewportSize({ width: 820, height: 1180 })
    try {
      await pa.reload()
      const log = pa.getByRole('log')
      await log.getByText('lunch at noon?').waitFor()
      const [list, details] = await Promise.all([log.boundingBox(), pa.locator('.room-info').boundingBox()])
      expect(list!.width).toBeGreaterThan(450)
      expect(details!.y + details!.height).toBeLessThanOrEqual(list!.y + 1)
      const peopleOpen = async (): Promise<boolean> => await pa.locator('details.people').evaluate(d => (d as HTMLDetailsElement).open)
      expect(await peopleOpen()).toBe(false)
      // Folded but wide enough for two, the people stand in even columns, their names on one line.
      await pa.setViewportSize({ width: 1100, height: 800 })
      await pa.locator('details.people > summary').click()
      const people = pa.getByRole('list', { name: 'People in this room' })
      const [ann, bob] = await Promise.all(['Ann', 'Bob'].map(async name => {
        const row = people.locator('li', { hasText: name })
        return { row: (await row.boundingBox())!, name: (await row.locator('.member-name').boundingBox())! }
      }))
      expect(Math.abs(ann.row.y - bob.row.y)).toBeLessThan(1)
      expect(Math.abs(ann.row.width - bob.row.width)).toBeLessThan(1)
      expect(Math.abs((ann.name.y + ann.name.height / 2) - (bob.name.y + bob.name.height / 2))).toBeLessThan(1)
      // Widened, the details go back beside the conversation, open.
      await pa.setViewportSize({ width: 1280, height: 800 })
      await expect.poll(peopleOpen).toBe(true)
    } finally {
      await pa.setViewportSize({ width: 1280, height: 800 })
    }
  })
  it('keeps a tall message\'s actions while the pointer goes from the bottom of its bubble to them', async () => {
    const box = pa.getByRole('textbox', { name: 'Message' })
    await box.fill('one\ntwo\nthree\nfour lines')
    await box.press('Enter')
    const tall = message(pa, 'four lines')
    await tall.waitFor()
    // Once the list has scrolled to it and rests, so that what is measured stays where it is.
    await expect.poll(async () => await pa.getByRole('log').evaluate(log => 'scrolling' in (log as HTMLElement).dataset), { timeout: 5_000 }).toBe(false)
    const bubble = (await tall.locator('.bubble').boundingBox())!
    await pa.mouse.move(bubble.x + bubble.width / 2, bubble.y + bubble.height - 4)
    const toolbar = tall.getByRole('toolbar', { name: 'Message actions' })
    await toolbar.waitFor()
    // Across the corner between the bubble and its actions, which is outside both.
    const react = (await toolbar.getByRole('button', { name: 'React', exact: true }).boundingBox())!
    await pa.mouse.move(react.x + react.width / 2, react.y + react.height / 2, { steps: 10 })
    await pa.waitForTimeout(500)
    expect(await toolbar.isVisible()).toBe(true)
  })
})
