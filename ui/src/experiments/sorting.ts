import type { Experiment } from '../api/types'
import { lastActivity, type Activity } from './api'

export type ExperimentSort = 'activity' | 'name' | 'runs' | 'created'

/** Most recently active first by default (an edit, or a run starting); names A→Z; most runs first. */
export function sortExperiments(
  experiments: readonly Experiment[],
  by: ExperimentSort,
  activity: Activity | undefined,
): Experiment[] {
  const list = [...experiments]
  switch (by) {
    case 'name':
      return list.sort((a, b) => a.name.localeCompare(b.name))
    case 'runs':
      return list.sort((a, b) => (activity?.[b.experiment_id]?.runs ?? 0) - (activity?.[a.experiment_id]?.runs ?? 0))
    case 'created':
      return list.sort((a, b) => b.creation_time - a.creation_time)
    case 'activity':
      return list.sort((a, b) => lastActivity(b, activity) - lastActivity(a, activity))
  }
}
