/**
 * The pixel size an image file declares, read from its first bytes without decoding it: a few kilobytes
 * of PNG can declare 100,000 × 100,000 pixels, which a browser would try to allocate (40 GB) when shown.
 * Knows PNG, JPEG, GIF, WebP, BMP, AVIF/HEIF and ICO; anything else, or a header past the bytes given,
 * is `null` (not known).
 */

export interface ImageSize {
  width: number
  height: number
}

type Reader = (bytes: Uint8Array, view: DataView) => ImageSize | null

const READERS: readonly Reader[] = [png, gif, jpeg, webp, bmp, isoMedia, ico]

export function imageSize(bytes: Uint8Array): ImageSize | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (const read of READERS) {
    try {
      const size = read(bytes, view)
      if (size) return size
    } catch (error) {
      if (!(error instanceof RangeError)) throw error // a header cut short by the end of the bytes
    }
  }
  return null
}

function startsWith(bytes: Uint8Array, ascii: string, at = 0): boolean {
  if (bytes.length < at + ascii.length) return false
  for (let index = 0; index < ascii.length; index += 1) {
    if (bytes[at + index] !== ascii.charCodeAt(index)) return false
  }
  return true
}

function png(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (!startsWith(bytes, '\x89PNG\r\n\x1a\n') || !startsWith(bytes, 'IHDR', 12)) return null
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

function gif(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (!startsWith(bytes, 'GIF87a') && !startsWith(bytes, 'GIF89a')) return null
  return { width: view.getUint16(6, true), height: view.getUint16(8, true) }
}

/** The first start-of-frame segment, found by walking the segments before it. */
function jpeg(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null
  let at = 2
  for (;;) {
    while (view.getUint8(at) === 0xff && view.getUint8(at + 1) === 0xff) at += 1 // fill bytes
    if (view.getUint8(at) !== 0xff) return null
    const marker = view.getUint8(at + 1)
    if (marker === 0xd9 || marker === 0xda) return null // end of image, or the scan: no frame header before it
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2
      continue
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isFrame) return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) }
    at += 2 + view.getUint16(at + 2)
  }
}

function webp(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (!startsWith(bytes, 'RIFF') || !startsWith(bytes, 'WEBP', 8)) return null
  if (startsWith(bytes, 'VP8X', 12)) {
    return { width: 1 + view.getUint16(24, true) + (view.getUint8(26) << 16), height: 1 + view.getUint16(27, true) + (view.getUint8(29) << 16) }
  }
  if (startsWith(bytes, 'VP8L', 12)) {
    const bits = view.getUint32(21, true)
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) }
  }
  if (startsWith(bytes, 'VP8 ', 12)) {
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff }
  }
  return null
}

function bmp(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (!startsWith(bytes, 'BM')) return null
  if (view.getUint32(14, true) === 12) return { width: view.getUint16(18, true), height: view.getUint16(20, true) }
  return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) }
}

/** AVIF and HEIF: the largest `ispe` (image spatial extents) property among the first bytes. */
function isoMedia(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (!startsWith(bytes, 'ftyp', 4)) return null
  let largest: ImageSize | null = null
  for (let at = 8; at + 16 <= bytes.length; at += 1) {
    if (!startsWith(bytes, 'ispe', at)) continue
    const size = { width: view.getUint32(at + 8), height: view.getUint32(at + 12) }
    if (!largest || size.width * size.height > largest.width * largest.height) largest = size
  }
  return largest
}

/** ICO: the largest entry of the directory, or of an embedded PNG (whose own header is what counts). */
function ico(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (view.getUint16(0, true) !== 0 || view.getUint16(2, true) !== 1) return null
  const count = view.getUint16(4, true)
  if (count === 0) return null
  let largest: ImageSize = { width: 0, height: 0 }
  for (let entry = 0; entry < count; entry += 1) {
    const at = 6 + entry * 16
    let size: ImageSize | null = { width: view.getUint8(at) || 256, height: view.getUint8(at + 1) || 256 }
    const offset = view.getUint32(at + 12, true)
    if (offset + 24 > bytes.length) return null // its data (perhaps a larger PNG) lies past the bytes read
    if (startsWith(bytes, '\x89PNG', offset)) size = png(bytes.subarray(offset), new DataView(bytes.buffer, bytes.byteOffset + offset))
    if (!size) return null
    if (size.width * size.height > largest.width * largest.height) largest = size
  }
  return largest
}
