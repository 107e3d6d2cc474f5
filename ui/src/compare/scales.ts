/**
 * Axis scaling for the SVG plots (parallel coordinates, scatter): linear scales with round ticks for
 * numeric columns, evenly spaced slots for categorical ones. Pure, so the mapping is tested directly.
 */
import type { Column, Value } from './columns'

export interface Tick {
  position: number
  label: string
}

export interface Axis {
  column: Column
  /** Where a value sits along the axis, or null when it cannot be placed (missing, wrong type). */
  position: (value: Value) => number | null
  ticks: Tick[]
}

/** Round tick values covering [min, max]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return []
  if (min === max) return [min]
  const [low, high] = min < max ? [min, max] : [max, min]
  const raw = (high - low) / Math.max(1, count)
  const power = Math.pow(10, Math.floor(Math.log10(raw)))
  // Round the raw step to 1, 2, 5 or 10 times the power, whichever is nearest on a log scale (as d3 does).
  const error = raw / power
  const step = power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1)
  const ticks: number[] = []
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(12)))
  }
  return ticks
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  if (d0 === d1) return () => (r0 + r1) / 2
  const k = (r1 - r0) / (d1 - d0)
  return (value) => r0 + (value - d0) * k
}

/** The distinct categories in a stable order: numbers-as-text sorted numerically, others by name. */
export function categoriesOf(values: readonly Value[]): string[] {
  const distinct = [...new Set(values.filter((value): value is string | number => value !== null).map(String))]
  return distinct.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
}

/** Evenly spaced slots, half a slot in from each end, so no category sits on the plot's edge. */
export function categoricalPosition(categories: readonly string[], r0: number, r1: number): (value: Value) => number | null {
  const index = new Map(categories.map((category, i) => [category, i]))
  const slot = (r1 - r0) / Math.max(1, categories.length)
  return (value) => {
    if (value === null) return null
    const i = index.get(String(value))
    return i === undefined ? null : r0 + slot * (i + 0.5)
  }
}

export function formatAxisNumber(value: number): string {
  const abs = Math.abs(value)
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(1)
  return String(Number(value.toPrecision(4)))
}

/**
 * The axis of `column` over the range [r0, r1] (pixels; r0 may exceed r1 for upward axes). `pad`
 * widens a numeric domain by that fraction on each side, so points do not sit on the plot's edge.
 */
export function axisFor(column: Column, r0: number, r1: number, tickCount = 5, pad = 0): Axis {
  if (column.type === 'categorical') {
    const categories = categoriesOf(column.values)
    const position = categoricalPosition(categories, r0, r1)
    return {
      column,
      position,
      ticks: categories.map((category) => ({ position: position(category) ?? r0, label: category })),
    }
  }
  const numbers = column.values.filter((value): value is number => typeof value === 'number')
  if (numbers.length === 0) return { column, position: () => null, ticks: [] }
  let min = Math.min(...numbers)
  let max = Math.max(...numbers)
  if (min === max) {
    const room = Math.abs(min) * 0.1 || 1
    min -= room
    max += room
  } else if (pad > 0) {
    const room = (max - min) * pad
    min -= room
    max += room
  }
  const ticks = niceTicks(min, max, tickCount)
  const scale = linearScale(min, max, r0, r1)
  return {
    column,
    position: (value) => (typeof value === 'number' && Number.isFinite(value) ? scale(value) : null),
    ticks: ticks.filter((tick) => tick >= min && tick <= max).map((tick) => ({ position: scale(tick), label: formatAxisNumber(tick) })),
  }
}
