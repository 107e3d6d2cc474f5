import { describe, expect, it } from 'vitest'

import { toPoints } from './transforms'
import { DETAIL_BELOW, detailRequest, mergeDetail, sameRange, visibleSteps } from './zoom'

/** A series of `count` points at steps start, start + every, …; a point every second from t = 1000 s. */
function series(count: number, every = 1, start = 0) {
  const steps = Array.from({ length: count }, (_, i) => start + i * every)
  return { steps, timestamps: steps.map((step) => 1_000_000 + step * 1000), values: steps.map((step) => step * 10) }
}

describe('visibleSteps', () => {
  const overview = series(11, 100) // steps 0, 100, …, 1000; t = 1000 s + step s

  it('widens the step axis range to whole steps', () => {
    expect(visibleSteps(overview, 'step', { min: 10.4, max: 250.2 })).toEqual({ min: 10, max: 251 })
  })

  it('brackets a wall-time range with the overview points just outside it', () => {
    expect(visibleSteps(overview, 'wall', { min: 1150, max: 1420 })).toEqual({ min: 100, max: 500 })
  })

  it('measures relative time from the origin, or from the first point', () => {
    expect(visibleSteps(overview, 'relative', { min: 150, max: 420 })).toEqual({ min: 100, max: 500 })
    expect(visibleSteps(overview, 'relative', { min: 50, max: 320 }, 1_000_000 + 100_000)).toEqual({ min: 100, max: 500 })
  })

  it('keeps to the series at its ends', () => {
    expect(visibleSteps(overview, 'wall', { min: 0, max: 1050 })).toEqual({ min: 0, max: 100 })
    expect(visibleSteps(overview, 'wall', { min: 1950, max: 9999 })).toEqual({ min: 900, max: 1000 })
  })

  it('gives up on time axes when timestamps do not rise with steps', () => {
    const shuffled = { ...overview, timestamps: overview.timestamps.map((t, i) => (i === 5 ? 0 : t)) }
    expect(visibleSteps(shuffled, 'wall', { min: 1150, max: 1420 })).toBeNull()
    expect(visibleSteps(shuffled, 'step', { min: 150, max: 420 })).toEqual({ min: 150, max: 420 })
  })

  it('gives null for an empty series or an inverted range', () => {
    expect(visibleSteps({ steps: [], timestamps: [], values: [] }, 'wall', { min: 0, max: 1 })).toBeNull()
    expect(visibleSteps(overview, 'step', { min: 5, max: 1 })).toBeNull()
  })
})

describe('detailRequest', () => {
  // A reduced overview of steps 0..1,000,000: a point every 1000 steps.
  const steps = series(1001, 1000).steps

  it('asks for a zoomed range on a grid, at two points per pixel of the widest grid range', () => {
    const request = detailRequest({ min: 100_000, max: 200_000 }, steps, 600)
    expect(request).not.toBeNull()
    if (!request) return
    expect(request.minStep).toBeLessThanOrEqual(100_000)
    expect(request.maxStep).toBeGreaterThanOrEqual(200_000)
    expect(request.maxStep - request.minStep + 1).toBeLessThanOrEqual(2 * 100_001)
    expect(request.maxPoints).toBe(2560)
  })

  it('gives nearby zooms the same request, so they share the cache', () => {
    const a = detailRequest({ min: 100_000, max: 200_000 }, steps, 600)
    const b = detailRequest({ min: 101_000, max: 199_000 }, steps, 600)
    expect(a).toEqual(b)
  })

  it('asks nothing until the zoom is well inside the series', () => {
    expect(detailRequest({ min: 0, max: 1_000_000 }, steps, 600)).toBeNull()
    expect(detailRequest({ min: 0, max: DETAIL_BELOW * 1_000_000 }, steps, 600)).toBeNull()
    expect(detailRequest({ min: 0, max: DETAIL_BELOW * 1_000_000 - 1000 }, steps, 600)).not.toBeNull()
  })

  it('measures the share against the part of the range that holds data', () => {
    expect(detailRequest({ min: -5_000_000, max: 100_000 }, steps, 600)).not.toBeNull()
    expect(detailRequest({ min: 2_000_000, max: 3_000_000 }, steps, 600)).toBeNull()
  })

  it('asks nothing when the overview already holds every step in view', () => {
    const full = series(1000).steps
    expect(detailRequest({ min: 100, max: 200 }, full, 600)).toBeNull()
    const sparse = full.filter((step) => step % 2 === 0)
    expect(detailRequest({ min: 100, max: 200 }, sparse, 600)).not.toBeNull()
  })

  it('asks nothing for a series too short to zoom or an unmeasured chart', () => {
    expect(detailRequest({ min: 0, max: 0 }, [5], 600)).toBeNull()
    expect(detailRequest({ min: 0, max: 0 }, [5, 5], 600)).toBeNull()
    expect(detailRequest({ min: 100_000, max: 200_000 }, steps, 0)).toBeNull()
  })

  it('keeps the request within the server limit however wide the chart', () => {
    expect(detailRequest({ min: 100_000, max: 200_000 }, steps, 10_000)?.maxPoints).toBe(8192)
  })
})

describe('mergeDetail', () => {
  const overview = series(11, 100) // 0, 100, …, 1000

  it('draws the detail inside the range and the overview outside it', () => {
    const detail = series(31, 10, 200) // 200, 210, …, 500
    const merged = mergeDetail(overview, detail, { minStep: 200, maxStep: 500 })
    expect(merged.steps).toEqual([0, 100, ...detail.steps, 600, 700, 800, 900, 1000])
    expect(merged.values).toEqual(merged.steps.map((step) => step * 10))
    expect(merged.timestamps).toEqual(merged.steps.map((step) => 1_000_000 + step * 1000))
  })

  it('drops overview points between the range start and the first detail point', () => {
    const detail = series(5, 10, 230) // 230..270 in a request for 150..299
    expect(mergeDetail(overview, detail, { minStep: 150, maxStep: 299 }).steps).toEqual([0, 100, 230, 240, 250, 260, 270, 300, 400, 500, 600, 700, 800, 900, 1000])
  })

  it('keeps overview points newer than the detail inside the range (a live run)', () => {
    const detail = series(21, 10, 800) // 800..1000, fetched before steps 1100 and 1200 were logged
    const grown = series(13, 100)
    expect(mergeDetail(grown, detail, { minStep: 800, maxStep: 1500 }).steps.slice(-3)).toEqual([1000, 1100, 1200])
  })

  it('leaves the overview alone when the range has no points', () => {
    const empty = { steps: [], timestamps: [], values: [] }
    expect(mergeDetail(overview, empty, { minStep: 10, maxStep: 20 })).toBe(overview)
  })

  it('keeps non-finite values as the API sends them, to become gaps', () => {
    const detail = { steps: [300, 310], timestamps: [1, 2], values: ['NaN', 4] }
    const merged = mergeDetail(overview, detail, { minStep: 300, maxStep: 310 })
    expect(toPoints(merged, 'step').y.slice(3, 5)).toEqual([null, 4])
  })

  it('merges a million-point overview and detail quickly', () => {
    const big = series(1_000_000)
    const detail = series(500_000, 1, 250_000)
    const started = performance.now()
    const merged = mergeDetail(big, detail, { minStep: 250_000, maxStep: 749_999 })
    expect(merged.steps.length).toBe(1_000_000)
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})

describe('sameRange', () => {
  it('compares ranges by value', () => {
    expect(sameRange({ min: 1, max: 2 }, { min: 1, max: 2 })).toBe(true)
    expect(sameRange({ min: 1, max: 2 }, { min: 1, max: 3 })).toBe(false)
    expect(sameRange(null, null)).toBe(true)
    expect(sameRange(null, { min: 1, max: 2 })).toBe(false)
  })
})
