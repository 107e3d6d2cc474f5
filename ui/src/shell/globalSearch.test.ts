import { describe, expect, it } from 'vitest'

import type { Experiment } from '../api/types'
import { makeRun } from '../test/runs'
import { experimentTargets, likeLiteral, runFilter, runTargets } from './globalSearch'

const experiment = (id: string, name: string): Experiment => ({
  experiment_id: id,
  name,
  lifecycle_stage: 'active',
  creation_time: 0,
  last_update_time: 0,
  tags: {},
})

describe('global search', () => {
  it('finds runs by id prefix or by name', () => {
    expect(runFilter('0f3c9d')).toBe("attributes.run_id LIKE '0f3c9d%'")
    expect(runFilter('sweep')).toBe("attributes.run_name ILIKE '%sweep%'")
    expect(runFilter('ab')).toBeNull()
  })

  it('makes LIKE wildcards and quotes literal', () => {
    expect(likeLiteral("50%_it's")).toBe("50\\%\\_it''s")
    expect(likeLiteral('a\\b')).toBe('a\\\\\\\\b')
  })

  it('lists matching experiments, exact names first', () => {
    const all = [experiment('1', 'churn-v2'), experiment('2', 'churn'), experiment('3', 'vision')]
    expect(experimentTargets(all, 'churn').map((t) => t.path)).toEqual(['/experiments/2', '/experiments/1'])
    expect(experimentTargets(all, '  ')).toEqual([])
  })

  it('links runs to their run page', () => {
    const run = makeRun({ experiment_id: '3', run_name: 'best' })
    expect(runTargets([run], [experiment('3', 'vision')])[0]).toMatchObject({
      label: 'best',
      path: `/experiments/3/runs/${run.run_id}`,
      detail: `${run.run_id.slice(0, 8)} · vision`,
    })
  })
})
