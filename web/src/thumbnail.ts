/**
 * Small inline previews of images, made in the browser: the image is decoded and drawn smaller
 * on a canvas, then re-encoded as JPEG until it fits the protocol's thumbnail limit. Nothing of
 * the original (metadata, location) survives into the thumbnail.
 */
import { MAX_THUMBNAIL_BYTES } from '../../src/files/constants.js'
import type { FileThumbnail } from '../../src/protocol/file-body.js'

/** Tries from sharp to small until one fits. */
const ATTEMPTS: Array<{ side: number, quality: number }> = [
  { side: 320, quality: 0.7 }, { side: 240, quality: 0.6 }, { side: 160, quality: 0.5 }, { side: 96, quality: 0.4 }
]

/** A thumbnail of an image file, or undefined when the browser cannot decode it. */
export async function makeThumbnail (file: Blob): Promise<FileThumbnail | undefined> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    return undefined
  }
  try {
    const { width, height } = bitmap
    if (width < 1 || height < 1 || width > 65_535 || height > 65_535) return undefined
    for (const { side, quality } of ATTEMPTS) {
      const scale = Math.min(1, side / Math.max(width, height))
      const canvas = document.createElement('canvas')
      canvas.width = Math.max(1, Math.round(width * scale))
      canvas.height = Math.max(1, Math.round(height * scale))
      const context = canvas.getContext('2d')
      if (context === null) return undefined
      // JPEG has no transparency: a white background instead of black.
      context.fillStyle = '#fff'
      context.fillRect(0, 0, canvas.width, canvas.height)
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
      const blob = await new Promise<Blob | null>(resolve => { canvas.toBlob(resolve, 'image/jpeg', quality) })
      if (blob !== null && blob.size <= MAX_THUMBNAIL_BYTES) return { width, height, bytes: new Uint8Array(await blob.arrayBuffer()) }
    }
    return undefined
  } finally {
    bitmap.close()
  }
}
