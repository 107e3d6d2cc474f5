/**
 * Pure data transforms behind every line chart: parse the API's columns, choose the x axis, smooth,
 * make values log-safe and align several series on one x axis (what uPlot draws). Loops over plain
 * arrays, no per-point objects: they run on every poll of a running run and on series of 100k points.
 */

/** What the x axis measures: the logged step, the wall clock, or time since the run started. */
export type XMode = 'step' | 'wall' | 'relative'

export const X_MODES: readonly { value: XMode; label: string }[] = [
  { value: 'step', label: 'Step' },
  { value: 'wall', label: 'Wall time' },
  { value: 'relative', label: 'Relative time' },
]

export function isXMode(raw: unknown): raw is XMode {
  return raw === 'step' || raw === 'wall' || raw === 'relative'
}

/** One metric's history as the API sends it (non-finite values arrive as "NaN", "Infinity", "-Infinity"). */
export interface RawSeries {
  steps: readonly number[]
  timestamps: readonly number[]
  values: readonly (number | string)[]
}

/** Points ready to draw, sorted by x; null is a gap (a missing or non-finite value). */
export interface Points {
  x: number[]
  y: (number | null)[]
}

/** A finite number, or null for NaN, ±Infinity and anything that is not a number. */
export function finiteOrNull(value: number | string | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/**
 * The series' points on the chosen x axis. Times are in seconds (uPlot's unit for time scales);
 * `origin` (ms) is where relative time starts, by default the first point's timestamp.
 */
export function toPoints(series: RawSeries, mode: XMode, origin?: number): Points {
  const count = Math.min(series.steps.length, series.timestamps.length, series.values.length)
  const x = new Array<number>(count)
  const y = new Array<number | null>(count)
  const start = origin ?? (count > 0 ? minimum(series.timestamps, count) : 0)
  for (let i = 0; i < count; i++) {
    const step = series.steps[i] ?? 0
    const time = series.timestamps[i] ?? 0
    x[i] = mode === 'step' ? step : mode === 'wall' ? time / 1000 : (time - start) / 1000
    y[i] = finiteOrNull(series.values[i])
  }
  return isSorted(x) ? { x, y } : sortByX(x, y)
}

function minimum(values: readonly number[], count: number): number {
  let low = Infinity
  for (let i = 0; i < count; i++) low = Math.min(low, values[i] ?? Infinity)
  return low
}

function isSorted(x: readonly number[]): boolean {
  for (let i = 1; i < x.length; i++) if ((x[i] ?? 0) < (x[i - 1] ?? 0)) return false
  return true
}

/** Steps are logged in order, but wall times need not be (clock changes, several writers). */
function sortByX(x: number[], y: (number | null)[]): Points {
  const order = Array.from(x.keys()).sort((a, b) => (x[a] ?? 0) - (x[b] ?? 0) || a - b)
  return { x: order.map((i) => x[i] ?? 0), y: order.map((i) => y[i] ?? null) }
}

/**
 * Exponential moving average, debiased like TensorBoard's: early points are not pulled towards zero.
 * `weight` in [0, 1): 0 leaves the values as they are. Gaps stay gaps and do not reset the average.
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return values.slice()
  const w = Math.min(weight, 0.999)
  const out = new Array<number | null>(values.length)
  let last = 0
  let seen = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (value === null || value === undefined) {
      out[i] = null
      continue
    }
    last = last * w + (1 - w) * value
    seen += 1
    out[i] = last / (1 - Math.pow(w, seen))
  }
  return out
}

/** A log axis cannot show zero or negative values: they become gaps. */
export function logSafe(values: readonly (number | null)[]): (number | null)[] {
  return values.map((value) => (value !== null && value > 0 ? value : null))
}

/**
 * Several series on one shared, sorted, duplicate-free x axis: `[x, y1, y2, …]`, with null where a
 * series has no point at that x. When one x holds several points of a series, the last one is kept
 * (a lone series keeps them all).
 */
export function alignSeries(list: readonly Points[]): [number[], ...(number | null)[][]] {
  if (list.length === 0) return [[]]
  const first = list[0]
  // One series needs no alignment; keeping repeated x values keeps every point (uPlot draws them).
  if (list.length === 1 && first && isSorted(first.x)) return [first.x.slice(), first.y.slice()]
  if (first && list.every((points) => sameArray(points.x, first.x)) && isStrictlyIncreasing(first.x)) {
    return [first.x.slice(), ...list.map((points) => points.y.slice())]
  }
  const xs = unionSorted(list.map((points) => points.x))
  const columns = list.map((points) => {
    const column = new Array<number | null>(xs.length).fill(null)
    let j = 0
    for (let i = 0; i < points.x.length; i++) {
      const x = points.x[i] ?? 0
      while (j < xs.length && (xs[j] ?? 0) < x) j++
      if (j < xs.length) column[j] = points.y[i] ?? null
    }
    return column
  })
  return [xs, ...columns]
}

function sameArray(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function isStrictlyIncreasing(x: readonly number[]): boolean {
  for (let i = 1; i < x.length; i++) if ((x[i] ?? 0) <= (x[i - 1] ?? 0)) return false
  return true
}

function unionSorted(arrays: readonly (readonly number[])[]): number[] {
  let total = 0
  for (const array of arrays) total += array.length
  const all = new Float64Array(total)
  let offset = 0
  for (const array of arrays) {
    all.set(array, offset)
    offset += array.length
  }
  all.sort()
  const out: number[] = []
  for (let i = 0; i < all.length; i++) {
    const value = all[i] ?? 0
    if (i === 0 || value !== all[i - 1]) out.push(value)
  }
  return out
}

/** Points to ask the server for: about two per pixel, rounded up so small resizes reuse the cache. */
export function pointsForWidth(width: number): number {
  const wanted = Math.max(256, Math.ceil((Math.max(width, 1) * 2) / 256) * 256)
  return Math.min(wanted, 8192)
}
