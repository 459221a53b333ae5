/**
 * Renders the app's PNG icons from `web/public/icon.svg` with headless Chromium, into
 * `web/public/icons/`. The PNGs are committed; run this again after changing the SVG:
 *
 *   npx tsx scripts/render-icons.ts
 *
 * "any" icons are the SVG as drawn (rounded corners, transparent outside). Maskable icons and the
 * Apple touch icon fill the whole square with the background colour and keep the mark inside the
 * central safe circle (80% of the size), since the platform cuts its own shape out of them.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { launchBrowser } from '../tests/helpers/browser.js'

const SVG = 'web/public/icon.svg'
const OUT = 'web/public/icons'
const BACKGROUND = '#1f5f8b'

interface Icon { file: string, size: number, maskable: boolean }

const ICONS: Icon[] = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'maskable-192.png', size: 192, maskable: true },
  { file: 'maskable-512.png', size: 512, maskable: true },
  { file: 'apple-touch-icon.png', size: 180, maskable: true }
]

const svg = await readFile(SVG, 'utf8')
const mark = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
await mkdir(OUT, { recursive: true })
const browser = await launchBrowser()
try {
  for (const icon of ICONS) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 })
    // The maskable mark is scaled to 75% so its corners stay inside the 80% safe circle.
    const body = icon.maskable
      ? `<div style="width:100%;height:100%;background:${BACKGROUND};display:flex;align-items:center;justify-content:center">
           <img src="${mark}" style="width:100%;height:100%;transform:scale(.75)"></div>`
      : `<img src="${mark}" style="width:100%;height:100%;display:block">`
    await page.setContent(`<!doctype html><html style="margin:0;height:100%"><body style="margin:0;height:100%;background:transparent">${body}</body></html>`)
    const png = await page.screenshot({ omitBackground: !icon.maskable, type: 'png' })
    await writeFile(join(OUT, icon.file), png)
    await page.close()
    console.log(`${join(OUT, icon.file)} (${icon.size}x${icon.size})`)
  }
} finally {
  await browser.close()
}
