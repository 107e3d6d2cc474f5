import type { Experiment } from '../api/types'

export type ExperimentSort = 'activity' | 'name' | 'runs' | 'created'

/** Most recently active first by default; names A→Z; most runs first. */
export function sortExperiments(
  experiments: readonly Experiment[],
  by: ExperimentSort,
  counts: Readonly<Record<string, number>> | undefined,
): Experiment[] {
  const list = [...experiments]
  switch (by) {
    case 'name':
      return list.sort((a, b) => a.name.localeCompare(b.name))
    case 'runs':
      return list.sort((a, b) => (counts?.[b.experiment_id] ?? 0) - (counts?.[a.experiment_id] ?? 0))
    case 'created':
      return list.sort((a, b) => b.creation_time - a.creation_time)
    case 'activity':
      return list.sort((a, b) => b.last_update_time - a.last_update_time)
  }
}
