import { describe, expect, it } from 'vitest'

import { formatMs, formatRate, formatShare, historySeries, laneLabel, lanesByName, type Lane, type StatsPoint } from './format'

const primary: Lane = { served_name: 'churn', role: 'primary', uri: 'models:/churn@champion', model: 'churn', version: 3, weight: 0.9 }
const canary: Lane = { ...primary, role: 'canary', uri: 'models:/churn/4', version: 4, weight: 0.1 }
const shadow: Lane = { ...primary, role: 'shadow', uri: 'models:/churn/5', version: 5, weight: 0 }
const folder: Lane = { served_name: 'local', role: 'primary', uri: '/srv/model', model: null, version: null, weight: 1 }

function point(served_name: string, at: number, values: Partial<StatsPoint> = {}): StatsPoint {
  return { served_name, at, window_s: 15, requests: 30, request_rate: 2, p50_ms: 4, p99_ms: 30, error_rate: 0, rows_per_s: 8, ...values }
}

describe('deployment numbers', () => {
  it('read short and say when there is nothing to show', () => {
    expect([formatRate(12.5), formatRate(0), formatRate(1234.5), formatRate(undefined)]).toEqual(['12.5/s', '0/s', '1230/s', '—'])
    expect([formatMs(3.456), formatMs(250.4), formatMs(null)]).toEqual(['3.5 ms', '250 ms', '—'])
    expect([formatShare(0.0123), formatShare(1), formatShare(undefined)]).toEqual(['1.23 %', '100 %', '—'])
  })

  it('label each lane by its role, version and share', () => {
    expect([primary, canary, shadow, folder].map(laneLabel)).toEqual(['v3 · 90 %', 'canary v4 · 10 %', 'shadow v5', '/srv/model'])
    expect(lanesByName([primary, canary, folder]).map(([name, lanes]) => [name, lanes.length])).toEqual([
      ['churn', 2],
      ['local', 1],
    ])
  })

  it('chart one series per served name and measure, on a wall-time axis in seconds', () => {
    const history = [point('churn', 15_000), point('local', 15_000, { p50_ms: null }), point('churn', 30_000, { p50_ms: 5 })]
    const latency = historySeries(history, ['p50_ms', 'p99_ms'])
    expect(latency.map((series) => series.label)).toEqual(['churn p50', 'churn p99', 'local p50', 'local p99'])
    expect(latency[0]?.points).toEqual({ x: [15, 30], y: [4, 5] })
    expect(latency[2]?.points.y).toEqual([null])
    expect(new Set(latency.map((series) => series.color)).size).toBe(4)
    expect(historySeries(history, ['request_rate']).map((series) => series.label)).toEqual(['churn', 'local'])
  })
})
