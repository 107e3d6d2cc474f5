/** How x and y values read on chart axes and in the tooltip. */
import { formatDuration, formatIso } from '../ui/format'
import type { XMode } from './transforms'

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 })

/** Short tick labels: 1.2k, 3M, 0.0012, 1.5e-7. */
export function formatTick(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  if (abs === 0) return '0'
  if (abs >= 10_000) return compact.format(value)
  if (abs < 1e-3) return value.toExponential(1)
  return String(Number(value.toPrecision(4)))
}

/** A full value for the tooltip: up to 6 significant digits. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–'
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(4)
  return String(Number(value.toPrecision(6)))
}

/** An x value as the axis mode reads it; times arrive in seconds. */
export function formatX(value: number, mode: XMode): string {
  if (mode === 'step') return Number.isInteger(value) ? String(value) : formatValue(value)
  if (mode === 'wall') return formatIso(value * 1000)
  const sign = value < 0 ? '-' : ''
  return sign + (formatDuration(Math.abs(value) * 1000) || '0s')
}

/** Tick labels for relative time: `45s`, `1m`, `1m10s`, `2h`, `2h30m`, `3d` — short, never `1.167m`. */
export function formatRelativeTick(seconds: number): string {
  const abs = Math.abs(seconds)
  const sign = seconds < 0 ? '-' : ''
  const two = (n: number) => String(n).padStart(2, '0')
  if (abs < 59.5) return `${sign}${formatTick(abs)}s`
  // Round the whole first, then split it, so 1139.7 s reads 19m, never 18m60s.
  const wholeSeconds = Math.round(abs)
  if (wholeSeconds < 3600) {
    const minutes = Math.floor(wholeSeconds / 60)
    const rest = wholeSeconds % 60
    return `${sign}${minutes}m${rest ? `${two(rest)}s` : ''}`
  }
  const wholeMinutes = Math.round(abs / 60)
  if (wholeMinutes < 1440) {
    const hours = Math.floor(wholeMinutes / 60)
    const rest = wholeMinutes % 60
    return `${sign}${hours}h${rest ? `${two(rest)}m` : ''}`
  }
  return `${sign}${formatTick(abs / 86400)}d`
}

export const X_AXIS_LABEL: Record<XMode, string> = {
  step: 'step',
  wall: 'time',
  relative: 'time since start',
}
