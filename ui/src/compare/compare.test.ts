import { describe, expect, it } from 'vitest'

import { makeRun } from '../test/runs'
import { columnDiffers, compareColumns, defaultAxes, pickColumns } from './columns'
import { compareRows } from './compareRows'
import { MAX_RUNS, parseRunIds, toggled } from './runIds'
import { axisFor, categoricalPosition, categoriesOf, linearScale, niceTicks } from './scales'

const runs = [
  makeRun({ params: { lr: '0.1', optimizer: 'adam', seed: '1' }, metrics: { loss: 0.5, acc: 0.9 } }),
  makeRun({ params: { lr: '0.01', optimizer: 'sgd', seed: '1' }, metrics: { loss: 0.3 } }),
  makeRun({ params: { lr: '1e-3', seed: '1' }, metrics: { loss: 'NaN' as unknown as number, acc: 0.95 } }),
]

describe('compareColumns', () => {
  const columns = compareColumns(runs)

  it('lists params then metrics, each sorted', () => {
    expect(columns.map((column) => column.id)).toEqual([
      'params.lr',
      'params.optimizer',
      'params.seed',
      'metrics.acc',
      'metrics.loss',
    ])
  })

  it('types params by their values', () => {
    const [lr, optimizer] = columns
    expect(lr).toMatchObject({ type: 'numeric', values: [0.1, 0.01, 0.001] })
    expect(optimizer).toMatchObject({ type: 'categorical', values: ['adam', 'sgd', null] })
  })

  it('reads non-finite metrics as missing', () => {
    expect(columns.find((column) => column.id === 'metrics.loss')?.values).toEqual([0.5, 0.3, null])
  })

  it('finds what differs', () => {
    expect(columns.filter(columnDiffers).map((column) => column.id)).toEqual([
      'params.lr',
      'params.optimizer',
      'metrics.acc',
      'metrics.loss',
    ])
  })

  it('picks differing params and metrics as default axes', () => {
    expect(defaultAxes(columns)).toEqual(['params.lr', 'params.optimizer', 'metrics.acc', 'metrics.loss'])
    expect(pickColumns(columns, ['metrics.loss', 'nope', 'params.lr']).map((column) => column.id)).toEqual([
      'metrics.loss',
      'params.lr',
    ])
  })
})

describe('compareRows', () => {
  it('marks rows whose values differ, a missing value included', () => {
    const rows = compareRows(runs)
    expect(rows.find((row) => row.key === 'seed')).toMatchObject({ section: 'Params', values: ['1', '1', '1'], differs: false })
    expect(rows.find((row) => row.key === 'optimizer')).toMatchObject({ values: ['adam', 'sgd', ''], differs: true })
    expect(rows.find((row) => row.key === 'loss')?.values).toEqual(['0.5', '0.3', 'NaN'])
  })
})

describe('scales', () => {
  it('makes round ticks', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceTicks(3, 97, 4)).toEqual([20, 40, 60, 80])
    expect(niceTicks(5, 5)).toEqual([5])
  })

  it('maps linearly, upside down too', () => {
    const scale = linearScale(0, 10, 100, 0)
    expect(scale(0)).toBe(100)
    expect(scale(5)).toBe(50)
    expect(linearScale(3, 3, 0, 10)(3)).toBe(5)
  })

  it('orders categories naturally and spaces them evenly', () => {
    expect(categoriesOf(['b', 'a10', 'a2', null, 'b'])).toEqual(['a2', 'a10', 'b'])
    const position = categoricalPosition(['a', 'b'], 0, 100)
    expect(position('a')).toBe(25)
    expect(position('b')).toBe(75)
    expect(position('c')).toBeNull()
    expect(position(null)).toBeNull()
  })

  it('builds numeric and categorical axes from columns', () => {
    const [lr, optimizer] = compareColumns(runs)
    if (!lr || !optimizer) throw new Error('columns missing')
    const numeric = axisFor(lr, 100, 0)
    expect(numeric.position(0.1)).toBe(0)
    expect(numeric.position(0.001)).toBe(100)
    expect(numeric.position('x')).toBeNull()
    const categorical = axisFor(optimizer, 0, 100)
    expect(categorical.ticks.map((tick) => tick.label)).toEqual(['adam', 'sgd'])
    expect(categorical.position(null)).toBeNull()
  })

  it('widens a single value into a visible range', () => {
    const column = { id: 'metrics.x', kind: 'metric' as const, key: 'x', type: 'numeric' as const, values: [2, 2] }
    expect(axisFor(column, 0, 100).position(2)).toBeCloseTo(50)
  })
})

describe('run ids', () => {
  it('parses, dedupes and keeps order', () => {
    expect(parseRunIds(' a, b,,a ,c')).toEqual(['a', 'b', 'c'])
    expect(parseRunIds(null)).toEqual([])
    expect(MAX_RUNS).toBe(20)
  })

  it('toggles choices', () => {
    expect(toggled(['a', 'b'], 'a')).toEqual(['b'])
    expect(toggled(['a'], 'c')).toEqual(['a', 'c'])
  })
})
