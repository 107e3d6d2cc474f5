/** What the header's search box offers for a query: experiments by name, runs by id prefix or by name. */
import type { Experiment, Run } from '../api/types'
import { matchExperiments } from '../experiments/search'

export interface Target {
  kind: 'experiment' | 'run'
  label: string
  detail: string
  path: string
}

const HEX = /^[0-9a-f]+$/i
export const MIN_RUN_QUERY = 3

/** A LIKE pattern's special characters made literal, then quoted as a filter string. */
export function likeLiteral(text: string): string {
  const pattern = text.replace(/\\/g, '\\\\\\\\').replace(/[%_]/g, (c) => `\\${c}`)
  return pattern.replace(/'/g, "''")
}

/** The run-search filter for a query: an id prefix when it reads as hex, else part of a name. */
export function runFilter(query: string): string | null {
  const q = query.trim()
  if (q.length < MIN_RUN_QUERY) return null
  if (HEX.test(q) && q.length <= 32) return `attributes.run_id LIKE '${likeLiteral(q.toLowerCase())}%'`
  return `attributes.run_name ILIKE '%${likeLiteral(q)}%'`
}

export function experimentTargets(experiments: readonly Experiment[], query: string, limit = 6): Target[] {
  if (!query.trim()) return []
  return matchExperiments(experiments, query)
    .slice(0, limit)
    .map((e) => ({ kind: 'experiment', label: e.name, detail: `experiment ${e.experiment_id}`, path: `/experiments/${e.experiment_id}` }))
}

export function runTargets(runs: readonly Run[], experiments: readonly Experiment[]): Target[] {
  const names = new Map(experiments.map((e) => [e.experiment_id, e.name]))
  return runs.map((run) => ({
    kind: 'run',
    label: run.run_name || run.run_id,
    detail: `${run.run_id.slice(0, 8)} · ${names.get(run.experiment_id) ?? `experiment ${run.experiment_id}`}`,
    path: `/experiments/${run.experiment_id}/runs/${run.run_id}`,
  }))
}
