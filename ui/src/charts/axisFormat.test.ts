import { describe, expect, it } from 'vitest'

import { formatRelativeTick } from './axisFormat'

describe('relative-time ticks', () => {
  it('never shows 60 in a lower unit', () => {
    expect(formatRelativeTick(-1139.7)).toBe('-19m')
    expect(formatRelativeTick(119.6)).toBe('2m')
    expect(formatRelativeTick(59.7)).toBe('1m')
    expect(formatRelativeTick(3599.8)).toBe('1h')
    expect(formatRelativeTick(7170)).toBe('2h')
  })

  it('reads short and whole', () => {
    expect(formatRelativeTick(45)).toBe('45s')
    expect(formatRelativeTick(70)).toBe('1m10s')
    expect(formatRelativeTick(9000)).toBe('2h30m')
    expect(formatRelativeTick(3 * 86400)).toBe('3d')
  })
})
