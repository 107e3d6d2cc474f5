/**
 * Experiments over the REST API: their query keys, the listing (all pages), one experiment, run counts,
 * the keys its runs logged, and the changes a manager makes.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useMemo } from 'react'

import { api, unwrap } from '../api/client'
import type { Experiment, ViewType } from '../api/types'

const PAGE = 1000
const COUNT_BATCH = 1000

/** Every query key about experiments, one prefix per level; a change to an experiment invalidates `all`. */
export const experimentKeys = {
  all: ['experiments'] as const,
  lists: () => [...experimentKeys.all, 'list'] as const,
  list: (view: ViewType) => [...experimentKeys.lists(), view] as const,
  details: () => [...experimentKeys.all, 'detail'] as const,
  detail: (experimentId: string) => [...experimentKeys.details(), experimentId] as const,
  /** Run counts and latest run times; a change to runs invalidates these too. */
  activities: () => [...experimentKeys.all, 'activity'] as const,
  activity: (experimentIds: readonly string[] | undefined) => [...experimentKeys.activities(), experimentIds] as const,
  /** The param, metric and tag keys logged by an experiment's runs. */
  logged: (experimentId: string) => [...experimentKeys.all, 'logged-keys', experimentId] as const,
}

async function listExperiments(view: ViewType): Promise<Experiment[]> {
  const all: Experiment[] = []
  let token: string | undefined
  do {
    const page = await unwrap(
      api.GET('/api/v1/experiments', { params: { query: { view, max_results: PAGE, page_token: token } } }),
    )
    all.push(...page.items)
    token = page.next_page_token ?? undefined
  } while (token)
  return all
}

/** Every experiment the caller may read; the sidebar and the experiments page share this cache entry. */
function experimentsQuery(view: ViewType) {
  return queryOptions({ queryKey: experimentKeys.list(view), queryFn: () => listExperiments(view) })
}

export function useExperiments(view: ViewType = 'active') {
  return useQuery(experimentsQuery(view))
}

function experimentQuery(experimentId: string) {
  return queryOptions({
    queryKey: experimentKeys.detail(experimentId),
    queryFn: () => unwrap(api.GET('/api/v1/experiments/{experiment_id}', { params: { path: { experiment_id: experimentId } } })),
  })
}

export function useExperiment(experimentId: string) {
  return useQuery(experimentQuery(experimentId))
}

/** Per experiment: its active runs, and when the latest of them started (null without runs). */
export type Activity = Record<string, { runs: number; last_run_time: number | null }>

export async function loadActivity(experimentIds: string[]): Promise<Activity> {
  const found: Activity = {}
  for (let start = 0; start < experimentIds.length; start += COUNT_BATCH) {
    const batch = experimentIds.slice(start, start + COUNT_BATCH)
    Object.assign(found, await unwrap(api.POST('/api/v1/experiments/activity', { body: { experiment_ids: batch } })))
  }
  return found
}

/** Run counts and latest run times; changes to runs invalidate them (see `runs/api.ts`). */
function activityQuery(experimentIds: string[] | undefined) {
  return queryOptions({
    queryKey: experimentKeys.activity(experimentIds),
    queryFn: () => loadActivity(experimentIds ?? []),
    enabled: experimentIds !== undefined && experimentIds.length > 0,
  })
}

export function useActivity(experimentIds: string[] | undefined) {
  return useQuery(activityQuery(experimentIds))
}

/** Active runs per experiment. */
export function useRunCounts(experimentIds: string[] | undefined) {
  const activity = useActivity(experimentIds)
  const data = useMemo(
    () => (activity.data ? Object.fromEntries(Object.entries(activity.data).map(([id, a]) => [id, a.runs])) : undefined),
    [activity.data],
  )
  return { ...activity, data }
}

/** When an experiment last changed: an edit to it, or the start of its latest run. */
export function lastActivity(experiment: Experiment, activity: Activity | undefined): number {
  return Math.max(experiment.last_update_time, activity?.[experiment.experiment_id]?.last_run_time ?? 0)
}

/** The param, metric and tag keys used by an experiment's runs (for columns and filter suggestions). */
function loggedKeysQuery(experimentId: string) {
  return queryOptions({
    queryKey: experimentKeys.logged(experimentId),
    queryFn: () =>
      unwrap(api.GET('/api/v1/experiments/{experiment_id}/keys', { params: { path: { experiment_id: experimentId } } })),
    staleTime: 60_000,
    retry: false,
  })
}

export function useExperimentKeys(experimentId: string) {
  return useQuery(loggedKeysQuery(experimentId))
}

function useExperimentChange<A, R>(change: (args: A) => Promise<R>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: change,
    onSettled: () => client.invalidateQueries({ queryKey: experimentKeys.all }),
  })
}

export function useCreateExperiment() {
  return useExperimentChange((name: string) => unwrap(api.POST('/api/v1/experiments', { body: { name } })))
}

export function useRenameExperiment() {
  return useExperimentChange(({ id, name }: { id: string; name: string }) =>
    unwrap(api.PATCH('/api/v1/experiments/{experiment_id}', { params: { path: { experiment_id: id } }, body: { name } })),
  )
}

export function useDeleteExperiment() {
  return useExperimentChange((id: string) =>
    unwrap(api.DELETE('/api/v1/experiments/{experiment_id}', { params: { path: { experiment_id: id } } })),
  )
}

export function useRestoreExperiment() {
  return useExperimentChange((id: string) =>
    unwrap(api.POST('/api/v1/experiments/{experiment_id}/restore', { params: { path: { experiment_id: id } } })),
  )
}
