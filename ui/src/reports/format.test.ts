import { describe, expect, it } from 'vitest'

import { deltaOf, formatPercent, formatScalar, isShare } from './format'

describe('formatScalar', () => {
  it('shows shares as percentages and other figures as numbers', () => {
    expect(isShare('missing_share.age')).toBe(true)
    expect(isShare('share_of_drifted_columns')).toBe(true)
    expect(isShare('shares')).toBe(false)
    expect(formatScalar(0.0373, 'missing_share')).toBe('3.73%')
    expect(formatScalar(0.0373, 'accuracy')).toBe('0.0373')
    expect(formatScalar(2.5, 'missing_share')).toBe('2.5')
  })

  it('reads booleans, missing and non-finite values', () => {
    expect(formatScalar(true)).toBe('yes')
    expect(formatScalar(false)).toBe('no')
    expect(formatScalar(null)).toBe('–')
    expect(formatScalar('NaN')).toBe('NaN')
  })

  it('keeps tiny percentages visible', () => {
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(0.00001)).toBe('1.0e-3%')
    expect(formatPercent(1)).toBe('100%')
  })
})

describe('deltaOf', () => {
  it('gives the change and the relative change', () => {
    expect(deltaOf(0.58, 0.617)).toEqual({ text: '−0.037', relative: '−6%', direction: 'down' })
    expect(deltaOf(12, 10)).toEqual({ text: '+2', relative: '+20%', direction: 'up' })
    expect(deltaOf(-12.9, -0.0315)).toEqual({ text: '−12.9', relative: null, direction: 'down' })
    expect(deltaOf(3, 0)?.relative).toBeNull()
  })

  it('gives shares in percentage points', () => {
    expect(deltaOf(0.05, 0.02, 'missing_share')).toEqual({ text: '+3 pp', relative: null, direction: 'up' })
  })

  it('has nothing to say without two numbers', () => {
    expect(deltaOf(0.5, null)).toBeNull()
    expect(deltaOf(true, false)).toBeNull()
    expect(deltaOf('NaN', 1)).toBeNull()
  })
})
