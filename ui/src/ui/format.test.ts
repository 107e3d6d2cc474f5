import { describe, expect, it } from 'vitest'

import { formatDuration, formatMetric, formatRelative, plural } from './format'

describe('format', () => {
  it('writes durations in two units at most', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(7_300)).toBe('7.3s')
    expect(formatDuration(187_000)).toBe('3m 07s')
    expect(formatDuration(3_720_000)).toBe('1h 02m')
    expect(formatDuration(90_000_000)).toBe('1d 01h')
    expect(formatDuration(null)).toBe('')
  })

  it('writes relative times', () => {
    const now = 1_700_000_000_000
    expect(formatRelative(now - 10_000, now)).toBe('just now')
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5 min ago')
    expect(formatRelative(now - 3 * 3_600_000, now)).toBe('3 h ago')
    expect(formatRelative(now - 4 * 86_400_000, now)).toBe('4 d ago')
  })

  it('writes metrics compactly, keeping non-finite values', () => {
    expect(formatMetric(0.912345678)).toBe('0.912346')
    expect(formatMetric(42)).toBe('42')
    expect(formatMetric(1.5e-7)).toBe('1.5000e-7')
    expect(formatMetric('NaN')).toBe('NaN')
    expect(formatMetric('-Infinity')).toBe('-Infinity')
  })

  it('pluralises', () => {
    expect(plural(1, 'run')).toBe('1 run')
    expect(plural(12_000, 'run')).toBe('12,000 runs')
  })
})
