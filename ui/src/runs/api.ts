/** Runs over the REST API: paged search for the table, the experiment's keys, delete and restore. */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import type { Run, ViewType } from '../api/types'

/** Rows per request: small enough to answer fast, large enough that scrolling rarely waits. */
export const PAGE_SIZE = 300
/** At most this many requests at once when acting on a selection. */
const PARALLEL = 4

export type RunPages = InfiniteData<{ items: Run[]; next_page_token?: string | null }>

export interface RunQuery {
  experimentId: string
  filter: string
  orderBy: string[]
  view: ViewType
}

/** The runs of one experiment, page by page as the table scrolls; the last result stays while the next loads. */
export function useRunPages(query: RunQuery) {
  return useInfiniteQuery({
    queryKey: ['runs', query],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.POST('/api/v1/runs/search', {
          body: {
            experiment_ids: [query.experimentId],
            filter: query.filter,
            order_by: query.orderBy,
            view: query.view,
            max_results: PAGE_SIZE,
            page_token: pageParam,
          },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token ?? undefined,
    placeholderData: keepPreviousData,
    // Deep-comparing every loaded page on each new one costs O(all rows); pages never change in place.
    structuralSharing: false,
  })
}

export function useRun(runId: string) {
  return useQuery({
    queryKey: ['run', runId],
    queryFn: () => unwrap(api.GET('/api/v1/runs/{run_id}', { params: { path: { run_id: runId } } })),
  })
}

/** The param, metric and tag keys used by an experiment's runs (for columns and filter suggestions). */
export function useExperimentKeys(experimentId: string) {
  return useQuery({
    queryKey: ['keys', experimentId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/experiments/{experiment_id}/keys', { params: { path: { experiment_id: experimentId } } })),
    staleTime: 60_000,
    retry: false,
  })
}

async function eachRun(runIds: readonly string[], act: (runId: string) => Promise<unknown>): Promise<void> {
  const queue = [...runIds]
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await act(id)
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker))
}

function useRunsChange(act: (runId: string) => Promise<unknown>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (runIds: readonly string[]) => eachRun(runIds, act),
    onSettled: async () => {
      await Promise.all([
        client.invalidateQueries({ queryKey: ['runs'] }),
        client.invalidateQueries({ queryKey: ['run-counts'] }),
        client.invalidateQueries({ queryKey: ['run'] }),
      ])
    },
  })
}

export function useDeleteRuns() {
  return useRunsChange((runId) => unwrap(api.DELETE('/api/v1/runs/{run_id}', { params: { path: { run_id: runId } } })))
}

export function useRestoreRuns() {
  return useRunsChange((runId) => unwrap(api.POST('/api/v1/runs/{run_id}/restore', { params: { path: { run_id: runId } } })))
}
