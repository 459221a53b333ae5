/**
 * Two people for end-to-end tests, each in an isolated Chromium context: Ann at a desktop width,
 * Bob on a phone. `meetInARoom` has Ann create a room and Bob join it by its share link, through
 * the UI only.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'

export interface TwoPeople {
  readonly ann: BrowserContext
  readonly bob: BrowserContext
  readonly pa: Page
  readonly pb: Page
  /** What Chromium refused to load or run in either page under the content security policy. */
  readonly policyViolations: string[]
}

export async function twoPeople (browser: Browser): Promise<TwoPeople> {
  const ann = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const bob = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  const pa = await ann.newPage()
  const pb = await bob.newPage()
  // Confirmations (delete, leave) are answered yes, as the person would.
  pa.on('dialog', dialog => { void dialog.accept() })
  pb.on('dialog', dialog => { void dialog.accept() })
  // Chromium reports each refusal in the page's console.
  const policyViolations: string[] = []
  for (const page of [pa, pb]) {
    page.on('console', message => {
      if (message.text().includes('Content Security Policy')) policyViolations.push(message.text())
    })
  }
  return { ann, bob, pa, pb, policyViolations }
}

/**
 * Ann creates a room at `url`, Bob opens its share link and joins; resolves with the link.
 * `annName` is the display name Ann gives herself.
 */
export async function meetInARoom ({ pa, pb }: TwoPeople, url: string, annName = 'Ann'): Promise<string> {
  await pa.goto(url)
  await pa.getByRole('textbox', { name: 'Display name' }).fill(annName)
  await pa.getByRole('button', { name: 'Create room' }).click()
  const link = await pa.getByRole('textbox', { name: 'Share link' }).inputValue()
  await pb.goto(link)
  await pb.getByRole('textbox', { name: 'Display name' }).fill('Bob')
  await pb.getByRole('button', { name: 'Join' }).click()
  await pb.getByRole('textbox', { name: 'Message' }).waitFor()
  return link
}

/** The list of the people in the open room, unfolded first (a phone shows it folded). */
export async function peopleIn (page: Page): Promise<Locator> {
  const people = page.getByRole('group').filter({ has: page.locator('summary', { hasText: /^People/ }) })
  if (!await people.evaluate(el => (el as HTMLDetailsElement).open)) await people.locator('summary').click()
  return page.getByRole('list', { name: 'People in this room' })
}

/** The message in a page's conversation log that contains `text`. */
export function messageIn (page: Page, text: string): Locator {
  return page.getByRole('log').locator('article', { hasText: text })
}
