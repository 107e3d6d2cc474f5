/**
 * Zooming into detail: a chart first draws a reduced overview of the whole series (about two points per
 * pixel). When a person drag-zooms into part of it, the page asks the server for that step range alone
 * and draws those points in place of the overview's inside the range. These are the pure parts: the
 * visible x range as steps, whether and what to request, and the merge of overview and detail.
 */
import { pointsForWidth, type RawSeries, type XMode } from './transforms'

/** The x range a zoomed chart shows, in the axis' units (steps, or seconds on the time axes). */
export interface XRange {
  min: number
  max: number
}

/** An inclusive range of steps. */
export interface StepRange {
  min: number
  max: number
}

/** One range request: `min_step`..`max_step` (inclusive), reduced to `maxPoints`. */
export interface DetailRequest {
  minStep: number
  maxStep: number
  maxPoints: number
}

/** A zoom shows detail only when it covers less than this share of the whole series' steps. */
export const DETAIL_BELOW = 0.5

/** How long a zoom must stay put before its range is requested. */
export const DETAIL_DEBOUNCE_MS = 150

export function sameRange(a: XRange | null, b: XRange | null): boolean {
  return a === b || (a !== null && b !== null && a.min === b.min && a.max === b.max)
}

/**
 * The steps behind the visible x range, from the overview's points. On the step axis that is the range
 * itself, widened to whole steps. On a time axis the range is bracketed by the overview points just
 * outside it (the steps between them may fall inside); that needs steps and timestamps rising together,
 * and gives null when they do not (a clock change, several writers), in which case no detail is shown.
 * `origin` (ms) is where relative time starts, as in `toPoints`.
 */
export function visibleSteps(overview: RawSeries, xMode: XMode, range: XRange, origin?: number): StepRange | null {
  if (!(range.max >= range.min)) return null
  if (xMode === 'step') return { min: Math.floor(range.min), max: Math.ceil(range.max) }
  const count = Math.min(overview.steps.length, overview.timestamps.length)
  if (count === 0) return null
  const start = origin ?? overview.timestamps[0] ?? 0
  const at = (i: number) => {
    const time = overview.timestamps[i] ?? 0
    return xMode === 'wall' ? time / 1000 : (time - start) / 1000
  }
  for (let i = 1; i < count; i++) {
    if ((overview.steps[i] ?? 0) < (overview.steps[i - 1] ?? 0)) return null
    if ((overview.timestamps[i] ?? 0) < (overview.timestamps[i - 1] ?? 0)) return null
  }
  let low = 0
  while (low + 1 < count && at(low + 1) < range.min) low++
  let high = count - 1
  while (high - 1 >= 0 && at(high - 1) > range.max) high--
  if (high < low) return null
  return { min: overview.steps[low] ?? 0, max: overview.steps[high] ?? 0 }
}

/**
 * What to ask the server for to show `visible` in detail, or null when the overview is enough: the
 * series is too short to zoom, the range misses it, covers at least `DETAIL_BELOW` of it, or the
 * overview already holds every step in it. The range is widened to a grid (a power of two at least a
 * quarter of its length) so that nearby zooms share one cached request, and the point budget is sized
 * for the widest such request at two points per pixel.
 */
export function detailRequest(visible: StepRange, overviewSteps: readonly number[], width: number): DetailRequest | null {
  const count = overviewSteps.length
  const first = overviewSteps[0]
  const last = overviewSteps[count - 1]
  if (count < 2 || first === undefined || last === undefined || !(last > first) || !(width > 0)) return null
  const low = Math.max(visible.min, first)
  const high = Math.min(visible.max, last)
  if (high < low) return null
  if ((high - low) / (last - first) >= DETAIL_BELOW) return null
  let inside = 0
  for (const step of overviewSteps) if (step >= low && step <= high) inside++
  if (inside >= high - low + 1) return null
  const unit = 2 ** Math.ceil(Math.log2(Math.max(1, (high - low + 1) / 4)))
  return {
    minStep: Math.floor(low / unit) * unit,
    maxStep: (Math.floor(high / unit) + 1) * unit - 1,
    maxPoints: pointsForWidth(width * 2),
  }
}

/**
 * The overview with the detail in place of its points inside the requested range. The detail covers
 * `minStep` up to its own last step: past that, up to `maxStep`, the overview's points are newer than
 * the detail (a live run logged them since) and are kept. An empty detail changes nothing.
 */
export function mergeDetail(overview: RawSeries, detail: RawSeries, request: Pick<DetailRequest, 'minStep' | 'maxStep'>): RawSeries {
  const detailCount = Math.min(detail.steps.length, detail.timestamps.length, detail.values.length)
  const detailLast = detail.steps[detailCount - 1]
  if (detailCount === 0 || detailLast === undefined) return overview
  const from = request.minStep
  const to = Math.min(request.maxStep, detailLast)
  const steps: number[] = []
  const timestamps: number[] = []
  const values: (number | string)[] = []
  const count = Math.min(overview.steps.length, overview.timestamps.length, overview.values.length)
  const copyOverview = (keep: (step: number) => boolean) => {
    for (let i = 0; i < count; i++) {
      const step = overview.steps[i] ?? 0
      if (!keep(step)) continue
      steps.push(step)
      timestamps.push(overview.timestamps[i] ?? 0)
      values.push(overview.values[i] ?? 'NaN')
    }
  }
  copyOverview((step) => step < from)
  for (let i = 0; i < detailCount; i++) {
    steps.push(detail.steps[i] ?? 0)
    timestamps.push(detail.timestamps[i] ?? 0)
    values.push(detail.values[i] ?? 'NaN')
  }
  copyOverview((step) => step > to)
  return { steps, timestamps, values }
}
