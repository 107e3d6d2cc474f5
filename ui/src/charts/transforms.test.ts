import { describe, expect, it } from 'vitest'

import { formatRelativeTick, formatTick, formatX } from './axisFormat'
import { withAlpha, seriesColor } from './palette'
import { prepareSeries } from './prepare'
import { parseSettings, writeSettings } from './settings'
import { alignSeries, emaSmooth, finiteOrNull, logSafe, pointsForWidth, toPoints } from './transforms'

describe('toPoints', () => {
  const series = { steps: [0, 1, 2], timestamps: [10_000, 12_000, 11_000], values: [1, 'NaN', 3] }

  it('uses steps on the step axis and turns non-finite values into gaps', () => {
    expect(toPoints(series, 'step')).toEqual({ x: [0, 1, 2], y: [1, null, 3] })
  })

  it('uses seconds on time axes, sorted by time', () => {
    expect(toPoints(series, 'wall')).toEqual({ x: [10, 11, 12], y: [1, 3, null] })
    expect(toPoints(series, 'relative', 9_000)).toEqual({ x: [1, 2, 3], y: [1, 3, null] })
  })

  it('starts relative time at the first point by default', () => {
    expect(toPoints(series, 'relative').x).toEqual([0, 1, 2])
  })

  it('handles an empty series', () => {
    expect(toPoints({ steps: [], timestamps: [], values: [] }, 'relative')).toEqual({ x: [], y: [] })
  })

  it('converts a million points quickly', () => {
    const n = 1_000_000
    const steps = Array.from({ length: n }, (_, i) => i)
    const values = steps.map((i) => Math.sin(i / 1000))
    const started = performance.now()
    const points = toPoints({ steps, timestamps: steps, values }, 'step')
    const smoothed = emaSmooth(points.y, 0.9)
    expect(points.x.length).toBe(n)
    expect(smoothed.length).toBe(n)
    // Generous bound: a regression to per-point objects or repeated sorting would take many seconds.
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})

describe('finiteOrNull', () => {
  it('keeps finite numbers only', () => {
    expect(finiteOrNull(2)).toBe(2)
    expect(finiteOrNull('Infinity')).toBeNull()
    expect(finiteOrNull(Number.NaN)).toBeNull()
    expect(finiteOrNull(null)).toBeNull()
  })
})

describe('emaSmooth', () => {
  it('leaves values alone at weight 0', () => {
    expect(emaSmooth([1, 2, null, 4], 0)).toEqual([1, 2, null, 4])
  })

  it('is debiased: a constant series stays constant', () => {
    expect(emaSmooth([5, 5, 5, 5], 0.9).map((v) => Number(v?.toFixed(10)))).toEqual([5, 5, 5, 5])
  })

  it('averages exponentially and skips gaps', () => {
    const out = emaSmooth([0, null, 10], 0.5)
    expect(out[0]).toBe(0)
    expect(out[1]).toBeNull()
    // last = 0*0.5 + 0.5*10 = 5; debias by 1 - 0.5^2 = 0.75.
    expect(out[2]).toBeCloseTo(5 / 0.75)
  })
})

describe('logSafe', () => {
  it('drops values a log axis cannot show', () => {
    expect(logSafe([1, 0, -2, null, 0.5])).toEqual([1, null, null, null, 0.5])
  })
})

describe('alignSeries', () => {
  it('passes one series through, repeated x values included', () => {
    expect(alignSeries([{ x: [1, 1, 2], y: [3, 4, 5] }])).toEqual([[1, 1, 2], [3, 4, 5]])
  })

  it('shares x when every series has the same', () => {
    expect(alignSeries([{ x: [0, 1], y: [1, 2] }, { x: [0, 1], y: [3, 4] }])).toEqual([[0, 1], [1, 2], [3, 4]])
  })

  it('merges different x values, leaving gaps', () => {
    expect(alignSeries([{ x: [0, 2, 4], y: [1, 2, 3] }, { x: [1, 2, 5], y: [7, 8, 9] }])).toEqual([
      [0, 1, 2, 4, 5],
      [1, null, 2, 3, null],
      [null, 7, 8, null, 9],
    ])
  })

  it('keeps the last point where a series repeats an x among others', () => {
    expect(alignSeries([{ x: [0, 0], y: [1, 2] }, { x: [1], y: [3] }])).toEqual([[0, 1], [2, null], [null, 3]])
  })

  it('returns an empty x axis for no series', () => {
    expect(alignSeries([])).toEqual([[]])
  })
})

describe('prepareSeries', () => {
  const line = { id: 'a', label: 'loss', color: '#112233', points: { x: [0, 1], y: [1, 3] } }

  it('draws raw values faded under the smoothed line', () => {
    const prepared = prepareSeries([line], 0.5, false)
    expect(prepared.drawn).toEqual([
      { label: 'loss', color: withAlpha('#112233', 0.28), raw: true },
      { label: 'loss', color: '#112233', raw: false },
    ])
    expect(prepared.data[1]).toEqual([1, 3])
    expect(prepared.data[2]?.[0]).toBe(1)
  })

  it('reports when nothing can be drawn on a log axis', () => {
    expect(prepareSeries([{ ...line, points: { x: [0], y: [-1] } }], 0, true).empty).toBe(true)
    expect(prepareSeries([line], 0, true).empty).toBe(false)
  })
})

describe('settings in the URL', () => {
  it('round-trips and leaves defaults out', () => {
    const params = writeSettings(new URLSearchParams('tab=metrics'), { xMode: 'wall', smoothing: 0.6, logY: true })
    expect(params.toString()).toBe('tab=metrics&x=wall&smooth=0.6&log=1')
    expect(parseSettings(params)).toEqual({ xMode: 'wall', smoothing: 0.6, logY: true })
    expect(writeSettings(params, { xMode: 'step', smoothing: 0, logY: false }).toString()).toBe('tab=metrics')
  })

  it('ignores nonsense', () => {
    expect(parseSettings(new URLSearchParams('x=banana&smooth=7&log=yes'))).toEqual({ xMode: 'step', smoothing: 0.99, logY: false })
  })
})

describe('formatting', () => {
  it('writes ticks compactly', () => {
    expect(formatTick(0)).toBe('0')
    expect(formatTick(250_000)).toBe('250K')
    expect(formatTick(0.12345)).toBe('0.1235')
    expect(formatTick(0.00002)).toBe('2.0e-5')
  })

  it('writes x values by axis mode', () => {
    expect(formatX(12, 'step')).toBe('12')
    expect(formatX(90, 'relative')).toBe('1m 30s')
    expect(formatRelativeTick(7200)).toBe('2h')
    expect(formatRelativeTick(70)).toBe('1m10s')
    expect(formatRelativeTick(9000)).toBe('2h30m')
    expect(formatRelativeTick(12)).toBe('12s')
  })

  it('asks for about two points per pixel, in steps of 256', () => {
    expect(pointsForWidth(0)).toBe(256)
    expect(pointsForWidth(500)).toBe(1024)
    expect(pointsForWidth(100_000)).toBe(8192)
  })

  it('cycles colours', () => {
    expect(seriesColor(0)).toBe(seriesColor(20))
    expect(seriesColor(1)).not.toBe(seriesColor(0))
  })
})
