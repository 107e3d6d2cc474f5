import { describe, expect, it } from 'vitest'

import { displayName, headlineOf, matchesFilter, subjectHref, suiteCounts, verdictOf, type StoredReport } from './summary'

function stored(fields: Partial<StoredReport>): StoredReport {
  return {
    report_id: 'r1',
    subject: 'run:abc123',
    experiment_id: '4',
    name: '',
    kind: 'report',
    status: null,
    summary: {},
    created_at: 0,
    size: 10,
    ...fields,
  }
}

describe('verdictOf', () => {
  it('reads a suite by its status', () => {
    expect(verdictOf(stored({ kind: 'suite', status: 'pass' }))).toEqual({ tone: 'ok', label: 'Passed', outcome: 'pass' })
    expect(verdictOf(stored({ kind: 'suite', status: 'fail' }))).toEqual({ tone: 'danger', label: 'Failed', outcome: 'fail' })
  })

  it('reads a drift report by dataset drift', () => {
    expect(verdictOf(stored({ summary: { dataset_drift: true } })).label).toBe('Drift')
    expect(verdictOf(stored({ summary: { dataset_drift: false } })).outcome).toBe('pass')
  })

  it('gives other reports no outcome', () => {
    expect(verdictOf(stored({ summary: { accuracy: 0.9 } }))).toEqual({ tone: 'neutral', label: 'Report', outcome: null })
  })
})

describe('headlineOf', () => {
  it('counts a suite’s tests', () => {
    expect(headlineOf(stored({ kind: 'suite', summary: { pass: 3, fail: 1, error: 1, total: 5 } }))).toBe('3 passed · 1 failed · 1 error')
  })

  it('states the share of drifted columns with the count', () => {
    expect(headlineOf(stored({ summary: { share_of_drifted_columns: 0.25, number_of_drifted_columns: 3 } }))).toBe(
      '25% of columns drifted (3 columns)',
    )
  })

  it('falls back to the main performance figure, then the rows', () => {
    expect(headlineOf(stored({ summary: { rmse: 12.5, r2: 0.8 } }))).toBe('rmse 12.5')
    expect(headlineOf(stored({ summary: { missing_share: 0.031 } }))).toBe('missing_share 3.1%')
    expect(headlineOf(stored({ summary: { current_rows: 1200 } }))).toBe('1,200 rows')
  })
})

describe('suiteCounts', () => {
  it('fills in missing counts and the total', () => {
    expect(suiteCounts({ pass: 2, fail: 1 })).toEqual({ pass: 2, fail: 1, error: 0, total: 3 })
  })
})

describe('matchesFilter', () => {
  const suite = stored({ kind: 'suite', status: 'fail' })
  const drift = stored({ summary: { dataset_drift: false } })
  const plain = stored({ summary: { accuracy: 0.7 } })

  it('filters by kind and outcome together', () => {
    expect(matchesFilter(suite, { kind: 'suite', outcome: '' })).toBe(true)
    expect(matchesFilter(drift, { kind: 'suite', outcome: '' })).toBe(false)
    expect(matchesFilter(suite, { kind: '', outcome: 'fail' })).toBe(true)
    expect(matchesFilter(drift, { kind: '', outcome: 'fail' })).toBe(false)
    expect(matchesFilter(drift, { kind: 'report', outcome: 'pass' })).toBe(true)
  })

  it('hides reports without a verdict once an outcome is chosen', () => {
    expect(matchesFilter(plain, { kind: '', outcome: '' })).toBe(true)
    expect(matchesFilter(plain, { kind: '', outcome: 'pass' })).toBe(false)
  })
})

describe('subjects and names', () => {
  it('links a run subject to the run page', () => {
    expect(subjectHref('run:0123abcd', '7')).toBe('/experiments/7/runs/0123abcd')
    expect(subjectHref('model:churn/3', '7')).toBeNull()
    expect(subjectHref('run:0123abcd', null)).toBeNull()
  })

  it('names an unnamed report by its kind', () => {
    expect(displayName({ name: '', kind: 'suite' })).toBe('Test suite')
    expect(displayName({ name: 'nightly', kind: 'report' })).toBe('nightly')
  })
})
