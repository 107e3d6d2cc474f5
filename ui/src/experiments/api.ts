/** Experiments over the REST API: the listing (all pages), run counts, and the changes a manager makes. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import type { Experiment, ViewType } from '../api/types'

const PAGE = 1000
const COUNT_BATCH = 1000

export const experimentsKey = ['experiments'] as const

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
export function useExperiments(view: ViewType = 'active') {
  return useQuery({ queryKey: [...experimentsKey, view], queryFn: () => listExperiments(view) })
}

export function useExperiment(experimentId: string) {
  return useQuery({
    queryKey: [...experimentsKey, 'one', experimentId],
    queryFn: () => unwrap(api.GET('/api/v1/experiments/{experiment_id}', { params: { path: { experiment_id: experimentId } } })),
  })
}

export async function countRuns(experimentIds: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (let start = 0; start < experimentIds.length; start += COUNT_BATCH) {
    const batch = experimentIds.slice(start, start + COUNT_BATCH)
    Object.assign(counts, await unwrap(api.POST('/api/v1/experiments/run-counts', { body: { experiment_ids: batch } })))
  }
  return counts
}

/** Active runs per experiment. */
export function useRunCounts(experimentIds: string[] | undefined) {
  return useQuery({
    queryKey: ['run-counts', experimentIds],
    queryFn: () => countRuns(experimentIds ?? []),
    enabled: experimentIds !== undefined && experimentIds.length > 0,
  })
}

function useExperimentChange<A, R>(change: (args: A) => Promise<R>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: change,
    onSettled: () => client.invalidateQueries({ queryKey: experimentsKey }),
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
