import { describe, expect, it } from 'vitest'

import type { Run } from '../api/types'
import { MAX_LIVE, runIdFilter, runningIds, withFresh } from './live'

function run(id: string, status: Run['status'], name = id): Run {
  return {
    run_id: id,
    experiment_id: '1',
    run_name: name,
    status,
    lifecycle_stage: 'active',
    user_id: 'ann',
    start_time: 0,
    end_time: null,
    parent_run_id: null,
    params: {},
    metrics: {},
    tags: {},
  }
}

describe('live rows', () => {
  it('keeps only running runs fresh, at most MAX_LIVE of them', () => {
    const runs = [run('a', 'RUNNING'), run('b', 'FINISHED'), run('c', 'RUNNING')]
    expect(runningIds(runs)).toEqual(['a', 'c'])
    const many = Array.from({ length: MAX_LIVE + 5 }, (_, i) => run(`r${i}`, 'RUNNING'))
    expect(runningIds(many)).toHaveLength(MAX_LIVE)
  })

  it('asks for the runs by id in the search grammar', () => {
    expect(runIdFilter(['ab12', 'cd34'])).toBe("attributes.run_id IN ('ab12', 'cd34')")
    expect(runIdFilter(["x'y"])).toBe("attributes.run_id IN ('xy')")
  })

  it('replaces fetched runs in place and leaves the rest', () => {
    const runs = [run('a', 'RUNNING'), run('b', 'FINISHED')]
    const merged = withFresh(runs, [run('a', 'FINISHED', 'done')])
    expect(merged.map((r) => [r.run_id, r.status, r.run_name])).toEqual([
      ['a', 'FINISHED', 'done'],
      ['b', 'FINISHED', 'b'],
    ])
    expect(withFresh(runs, undefined)).toBe(runs)
  })
})
