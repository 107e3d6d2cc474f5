import { describe, expect, it } from 'vitest'

import { makeRun } from '../test/runs'
import { cellValue, defaultColumns, mergeKeys, orderBy, parseColumnId, quoteKey } from './columns'

describe('columns', () => {
  it('parses ids into entity and key, keeping dots in the key', () => {
    expect(parseColumnId('tags.mlflow.runName')).toEqual({ entity: 'tags', key: 'mlflow.runName' })
    expect(parseColumnId('nope.x')).toBeNull()
    expect(parseColumnId('metrics.')).toBeNull()
  })

  it('quotes keys the grammar cannot read bare', () => {
    expect(quoteKey('val_loss/epoch-1:a.b')).toBe('val_loss/epoch-1:a.b')
    expect(quoteKey('val loss')).toBe('`val loss`')
    expect(quoteKey('it`s')).toBe('`it``s`')
    expect(quoteKey('a\\')).toBe('`a\\\\`')
  })

  it('turns a sort into the server order_by', () => {
    expect(orderBy({ column: 'metrics.auc', desc: true })).toEqual(['metrics.auc DESC'])
    expect(orderBy({ column: 'params.my lr', desc: false })).toEqual(['params.`my lr` ASC'])
    expect(orderBy(null)).toEqual([])
  })

  it('reads cells of every entity', () => {
    const run = makeRun({ metrics: { auc: 0.93 }, params: { lr: '0.1' }, tags: { team: 'vision' }, status: 'FAILED' })
    expect(cellValue(run, { entity: 'metrics', key: 'auc' })).toBe(0.93)
    expect(cellValue(run, { entity: 'params', key: 'lr' })).toBe('0.1')
    expect(cellValue(run, { entity: 'tags', key: 'team' })).toBe('vision')
    expect(cellValue(run, { entity: 'attributes', key: 'status' })).toBe('FAILED')
    expect(cellValue(run, { entity: 'metrics', key: 'missing' })).toBeNull()
  })

  it('merges reported keys with those seen on runs, sorted and unique', () => {
    const keys = mergeKeys({ params: ['lr'], metrics: ['auc'], tags: [] }, [makeRun({ params: { lr: '1', depth: '3' }, tags: { t: 'x' } })])
    expect(keys).toEqual({ params: ['depth', 'lr'], metrics: ['auc'], tags: ['t'] })
  })

  it('defaults to a few metrics then params', () => {
    const keys = { metrics: ['a', 'b', 'c', 'd', 'e', 'f'], params: ['p', 'q'], tags: ['t'] }
    expect(defaultColumns(keys)).toEqual(['metrics.a', 'metrics.b', 'metrics.c', 'metrics.d', 'metrics.e', 'params.p', 'params.q'])
  })
})
