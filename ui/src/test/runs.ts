/** Runs for tests, with only the fields a test cares about spelled out. */
import type { Run } from '../api/types'

let counter = 0

export function makeRun(fields: Partial<Run> = {}): Run {
  counter += 1
  return {
    run_id: counter.toString(16).padStart(32, '0'),
    experiment_id: '1',
    run_name: `run-${counter}`,
    status: 'FINISHED',
    lifecycle_stage: 'active',
    user_id: 'ann',
    start_time: 1_700_000_000_000 + counter,
    end_time: 1_700_000_060_000 + counter,
    params: {},
    metrics: {},
    tags: {},
    ...fields,
  }
}
