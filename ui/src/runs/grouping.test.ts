import { describe, expect, it } from 'vitest'

import { makeRun } from '../test/runs'
import { groupId, groupRows } from './grouping'

const rf1 = makeRun({ params: { model: 'rf' } })
const xgb = makeRun({ params: { model: 'xgb' } })
const rf2 = makeRun({ params: { model: 'rf' } })
const bare = makeRun()
const runs = [rf1, xgb, rf2, bare]
const byModel = { entity: 'params', key: 'model' } as const

describe('group-by', () => {
  it('lists runs as they are without a group key', () => {
    expect(groupRows(runs, null, new Set()).map((row) => row.kind)).toEqual(['run', 'run', 'run', 'run'])
  })

  it('groups in order of first appearance, with counts', () => {
    const rows = groupRows(runs, byModel, new Set())
    const summary = rows.map((row) => (row.kind === 'group' ? `[${row.value ?? 'none'} ${row.count}]` : row.run.run_id))
    expect(summary).toEqual(['[rf 2]', rf1.run_id, rf2.run_id, '[xgb 1]', xgb.run_id, '[none 1]', bare.run_id])
  })

  it('keeps a collapsed group header but hides its runs', () => {
    const rows = groupRows(runs, byModel, new Set([groupId('rf')]))
    expect(rows[0]).toMatchObject({ kind: 'group', value: 'rf', count: 2, collapsed: true })
    expect(rows[1]).toMatchObject({ kind: 'group', value: 'xgb' })
  })

  it('groups by an attribute', () => {
    const rows = groupRows([makeRun({ status: 'FAILED' }), makeRun(), makeRun({ status: 'FAILED' })], { entity: 'attributes', key: 'status' }, new Set())
    expect(rows.flatMap((row) => (row.kind === 'group' ? [row.count] : []))).toEqual([2, 1])
  })
})
