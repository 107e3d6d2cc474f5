import { describe, expect, it } from 'vitest'

import type { Item, Scalar } from './document'
import { orderTests } from './suiteOrder'
import { compareCells, driftColumn, groupItems, metricAnchors, nextSort, numericColumns, searchItems, sortRows } from './tables'

const rows: Scalar[][] = [
  ['age', 0.2, true],
  ['plan', null, false],
  ['income', 'NaN', true],
  ['city', 0.01, false],
]

describe('sortRows', () => {
  it('sorts numbers ascending and descending, missing values last both ways', () => {
    expect(sortRows(rows, { column: 1, direction: 'asc' }).map((row) => row[0])).toEqual(['city', 'age', 'income', 'plan'])
    expect(sortRows(rows, { column: 1, direction: 'desc' }).map((row) => row[0])).toEqual(['income', 'age', 'city', 'plan'])
  })

  it('sorts text naturally and keeps ties in their order', () => {
    const named: Scalar[][] = [['x10'], ['x2'], ['X1'], ['x2']]
    expect(sortRows(named, { column: 0, direction: 'asc' })).toEqual([['X1'], ['x2'], ['x2'], ['x10']])
    expect(sortRows(rows, { column: 2, direction: 'desc' }).map((row) => row[0])).toEqual(['age', 'income', 'plan', 'city'])
  })

  it('leaves the order alone without a sort, and never changes its input', () => {
    const copy = sortRows(rows, null)
    expect(copy).toEqual(rows)
    expect(copy).not.toBe(rows)
    sortRows(rows, { column: 0, direction: 'asc' })
    expect(rows[0]?.[0]).toBe('age')
  })

  it('compares across kinds: numbers, booleans, text', () => {
    expect(compareCells(1, true)).toBeLessThan(0)
    expect(compareCells(true, 'a')).toBeLessThan(0)
    expect(compareCells('-Infinity', -5)).toBeLessThan(0)
  })

  it('cycles a header through ascending, descending and off', () => {
    expect(nextSort(null, 2)).toEqual({ column: 2, direction: 'asc' })
    expect(nextSort({ column: 2, direction: 'asc' }, 2)).toEqual({ column: 2, direction: 'desc' })
    expect(nextSort({ column: 2, direction: 'desc' }, 2)).toBeNull()
    expect(nextSort({ column: 2, direction: 'desc' }, 0)).toEqual({ column: 0, direction: 'asc' })
  })
})

describe('table columns', () => {
  it('finds the drift flag column', () => {
    expect(driftColumn({ columns: ['column', 'score', 'drifted'] })).toBe(2)
    expect(driftColumn({ columns: ['column', 'Drift detected'] })).toBe(1)
    expect(driftColumn({ columns: ['column', 'drift score'] })).toBe(-1)
  })

  it('right-aligns columns that hold only numbers', () => {
    expect(numericColumns({ kind: 'table', name: 't', columns: ['column', 'score', 'drifted'], rows })).toEqual([false, true, false])
  })
})

describe('layout helpers', () => {
  const items: Item[] = [
    { kind: 'distribution', name: 'distribution.age', title: 'age', numeric: true, bins: [0, 1], reference: [1], current: [1] },
    { kind: 'value', name: 'rows', value: 3 },
    { kind: 'not_computed', name: 'roc_auc', reason: 'no scores' },
    { kind: 'matrix', name: 'm', row_labels: [], column_labels: [], values: [] },
    { kind: 'distribution', name: 'distribution.income', title: 'Income', numeric: true, bins: [0, 1], reference: [1], current: [1] },
    { kind: 'table', name: 't', columns: [], rows: [] },
  ]

  it('groups a metric’s items by how they are laid out', () => {
    const groups = groupItems(items)
    expect(groups.values.map((item) => item.name)).toEqual(['rows'])
    expect(groups.missing.map((item) => item.name)).toEqual(['roc_auc'])
    expect(groups.tables).toHaveLength(1)
    expect(groups.charts).toHaveLength(1)
    expect(groups.distributions.map((item) => item.name)).toEqual(['distribution.age', 'distribution.income'])
  })

  it('searches distributions by column, ignoring case', () => {
    expect(searchItems(groupItems(items).distributions, 'INC').map((item) => item.title)).toEqual(['Income'])
    expect(searchItems(groupItems(items).distributions, '  ')).toHaveLength(2)
  })

  it('gives every metric a unique anchor', () => {
    expect(metricAnchors([{ metric: 'DataDrift' }, { metric: 'DataDrift' }, { metric: 'My metric' }])).toEqual([
      'metric-DataDrift',
      'metric-DataDrift-2',
      'metric-My-metric',
    ])
  })

  it('lists failed tests first, then errors, then passes', () => {
    const test = (name: string, status: 'pass' | 'fail' | 'error') => ({ test: 'T', name, settings: {}, figure: name, condition: '< 1', status, message: '' })
    const tests = [test('a', 'pass'), test('b', 'error'), test('c', 'fail'), test('d', 'fail')]
    expect(orderTests(tests).map((t) => t.name)).toEqual(['c', 'd', 'b', 'a'])
    expect(orderTests(tests, true).map((t) => t.name)).toEqual(['c', 'd', 'b'])
  })
})
