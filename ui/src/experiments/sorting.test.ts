import { describe, expect, it } from 'vitest'

import type { Experiment } from '../api/types'
import { lastActivity } from './api'
import { sortExperiments } from './sorting'

function experiment(id: string, name: string, updated: number, created = 0): Experiment {
  return { experiment_id: id, name, lifecycle_stage: 'active', creation_time: created, last_update_time: updated, tags: {} }
}

const quiet = experiment('1', 'quiet', 5_000)
const busy = experiment('2', 'busy', 1_000)
const fresh = experiment('3', 'fresh', 2_000, 9_000)
const activity = {
  '1': { runs: 0, last_run_time: null },
  '2': { runs: 40, last_run_time: 8_000 },
  '3': { runs: 2, last_run_time: 1_500 },
}

describe('experiment sorting', () => {
  it('counts a run starting as activity, not only edits to the experiment', () => {
    expect(lastActivity(busy, activity)).toBe(8_000)
    expect(lastActivity(quiet, activity)).toBe(5_000)
    expect(lastActivity(busy, undefined)).toBe(1_000)
    expect(sortExperiments([quiet, busy, fresh], 'activity', activity).map((e) => e.name)).toEqual(['busy', 'quiet', 'fresh'])
  })

  it('sorts by runs, name and creation', () => {
    expect(sortExperiments([quiet, busy, fresh], 'runs', activity).map((e) => e.name)).toEqual(['busy', 'fresh', 'quiet'])
    expect(sortExperiments([quiet, busy, fresh], 'name', activity).map((e) => e.name)).toEqual(['busy', 'fresh', 'quiet'])
    expect(sortExperiments([quiet, busy, fresh], 'created', undefined)[0]?.name).toBe('fresh')
  })
})
