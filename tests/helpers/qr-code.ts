import type { Browser } from 'playwright-core'
import decodeQR from 'qr/decode.js'

/** Decodes the QR code in a PNG screenshot: Chromium turns it into pixels, the `qr` reader reads them. */
export async function readQrCode (browser: Browser, png: Buffer): Promise<string> {
  const page = await browser.newPage()
  try {
    const { width, height, pixels } = await page.evaluate(async (base64) => {
      const image = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), c => c.charCodeAt(0))], { type: 'image/png' }))
      const canvas = new OffscreenCanvas(image.width, image.height)
      const context = canvas.getContext('2d')!
      context.drawImage(image, 0, 0)
      return { width: image.width, height: image.height, pixels: Array.from(context.getImageData(0, 0, image.width, image.height).data) }
    }, png.toString('base64'))
    return decodeQR({ width, height, data: Uint8Array.from(pixels) })
  } finally {
    await page.close()
  }
}
