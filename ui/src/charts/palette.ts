/**
 * Series colours: one per run or series, in a fixed order so a run keeps its colour across every chart
 * of a page. Mid-luminance hues that read on both the light and the dark background.
 */
const PALETTE = [
  '#4c6ef5',
  '#f76707',
  '#2f9e44',
  '#e03131',
  '#ae3ec9',
  '#1098ad',
  '#f59f00',
  '#d6336c',
  '#5c940d',
  '#7048e8',
  '#0b7285',
  '#c2255c',
  '#e8590c',
  '#364fc7',
  '#087f5b',
  '#9c36b5',
  '#a61e4d',
  '#66a80f',
  '#1864ab',
  '#862e9c',
] as const

export function seriesColor(index: number): string {
  const size = PALETTE.length
  return PALETTE[((index % size) + size) % size] ?? PALETTE[0]
}

/** `color` at `alpha` (0–1), for faded raw lines behind smoothed ones. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1]
  if (!hex) return color
  const channel = Math.round(Math.max(0, Math.min(1, alpha)) * 255)
  return `#${hex}${channel.toString(16).padStart(2, '0')}`
}
