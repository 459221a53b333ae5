/**
 * QR codes as a camera sees them: read one from a screenshot, or film one with a phone's fake
 * camera in Chromium (`--use-file-for-fake-video-capture`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import decodeQR from 'qr/decode.js'
import { launchBrowser } from './browser.js'

interface Pixels { width: number, height: number, data: Uint8Array }

/** Decodes the QR code in a PNG screenshot: Chromium turns it into pixels, the `qr` reader reads them. */
export async function readQrCode (browser: Browser, png: Buffer): Promise<string> {
  return decodeQR(await pixelsOf(browser, png))
}

/**
 * A phone page in a Chromium of its own that has a camera. With `filmed` (a PNG), the camera
 * films it and the page may use the camera; without, nobody answers the browser's question
 * about the camera, and Chromium refuses it. `close` ends that Chromium.
 */
export async function phoneWithCamera (browser: Browser, filmed?: Buffer): Promise<{ page: Page, close: () => Promise<void> }> {
  const args = ['--use-fake-device-for-media-stream']
  if (filmed !== undefined) {
    const video = await cameraVideoOf(browser, filmed, join(mkdtempSync(join(tmpdir(), 'meshchat-camera-')), 'qr.y4m'))
    args.push('--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`)
  }
  const withCamera = await launchBrowser(args)
  const page = await (await withCamera.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage()
  return { page, close: async () => { await withCamera.close() } }
}

/**
 * Writes a Y4M video (what Chromium's fake camera plays, in a loop) of the PNG screenshot,
 * centred on white, and returns `path`.
 */
async function cameraVideoOf (browser: Browser, png: Buffer, path: string, side = 480): Promise<string> {
  const image = await pixelsOf(browser, png)
  if (image.width > side || image.height > side) throw new RangeError(`The screenshot is larger than ${side} pixels`)
  // Luma only (BT.601, studio range); the colour planes stay neutral, as for black on white.
  const luma = new Uint8Array(side * side).fill(235)
  const left = Math.floor((side - image.width) / 2)
  const top = Math.floor((side - image.height) / 2)
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = 4 * (y * image.width + x)
      const grey = 0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2]
      luma[(top + y) * side + left + x] = Math.round(16 + grey * 219 / 255)
    }
  }
  const chroma = Buffer.alloc((side / 2) * (side / 2), 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma])
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${side} H${side} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]))
  return path
}

async function pixelsOf (browser: Browser, png: Buffer): Promise<Pixels> {
  const page = await browser.newPage()
  try {
    const { width, height, pixels } = await page.evaluate(async (base64) => {
      const image = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), c => c.charCodeAt(0))], { type: 'image/png' }))
      const canvas = new OffscreenCanvas(image.width, image.height)
      const context = canvas.getContext('2d')!
      context.drawImage(image, 0, 0)
      return { width: image.width, height: image.height, pixels: Array.from(context.getImageData(0, 0, image.width, image.height).data) }
    }, png.toString('base64'))
    return { width, height, data: Uint8Array.from(pixels) }
  } finally {
    await page.close()
  }
}
