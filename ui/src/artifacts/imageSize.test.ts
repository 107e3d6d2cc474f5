import { describe, expect, it } from 'vitest'

import { imageSize } from './imageSize'

/** The first bytes of a 300 × 200 image saved by Pillow in each format (an ICO of 48 × 32 holding a PNG). */
const HEADS = {
  png: 'iVBORw0KGgoAAAANSUhEUgAAASwAAADICAYAAABS39xV',
  gif: 'R0lGODdhLAHIAIEAAAoUHg==',
  jpeg: '/9j/4AAQSkZJRgABAQAAAQABAAD/4QAWRXhpZgAATU0AKgAAAAgAAAAAAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCADIASwDASIAAhEBAxE=',
  'webp-lossless': 'UklGRiQAAABXRUJQVlA4TBgAAAAvK8ExEAdQiirUo4ABAEX6/58i+p/6/zU=',
  'webp-lossy': 'UklGRs4AAABXRUJQVlA4IMIAAAAQEQCdASosAcgAPtE=',
  'webp-alpha': 'UklGRvoAAABXRUJQVlA4WAoAAAAQAAAAKwEAxwAAQUw=',
  bmp: 'Qk1WvwIAAAAAADYAAAAoAAAALAEAAMgAAAABABgAAAAAACC/AgDEDgAAxA4AAAAAAAAAAAAA',
  ico: 'AAABAAEAMCAAAAAAIAB+AAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAwAAAAIAgGAAAAVNT7HAAAAEVJ',
  avif: 'AAAAIGZ0eXBhdmlmAAAAAGF2aWZtaWYxbWlhZk1BMUIAAADrbWV0YQAAAAAAAAAhaGRscgAAAAAAAAAAcGljdAAAAAAAAAAAAAAAAAAAAAAOcGl0bQAAAAAAAQAAAB5pbG9jAAAAAEQAAAEAAQAAAAEAAAETAAAATgAAAChpaW5mAAAAAAABAAAAGmluZmUCAAAAAAEAAGF2MDFDb2xvcgAAAABqaXBycAAAAEtpcGNvAAAAFGlzcGUAAAAAAAABLAAAAMgAAAAQcGl4aQAAAAADCAgIAAAADGF2MUOBAAwAAAAAE2NvbHJuY2x4AAEA',
} as const

type Format = keyof typeof HEADS

function bytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
}

describe('imageSize', () => {
  it.each((Object.keys(HEADS) as Format[]).filter((name) => name !== 'ico'))('reads the size a %s file declares', (name) => {
    expect(imageSize(bytes(HEADS[name]))).toEqual({ width: 300, height: 200 })
  })

  it('reads an icon from the PNG it holds', () => {
    expect(imageSize(bytes(HEADS.ico))).toEqual({ width: 48, height: 32 })
  })

  it('sees the size a small PNG claims, however large', () => {
    const head = bytes(HEADS.png)
    new DataView(head.buffer).setUint32(16, 100_000)
    new DataView(head.buffer).setUint32(20, 100_000)
    expect(imageSize(head)).toEqual({ width: 100_000, height: 100_000 })
  })

  it('knows nothing of a header cut short, or of another format', () => {
    expect(imageSize(bytes(HEADS.jpeg).subarray(0, 120))).toBeNull()
    expect(imageSize(bytes(HEADS.png).subarray(0, 20))).toBeNull()
    expect(imageSize(bytes(HEADS.ico).subarray(0, 30))).toBeNull()
    expect(imageSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull()
    expect(imageSize(new Uint8Array())).toBeNull()
  })
})
