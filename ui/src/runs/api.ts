/**
 * Runs over the REST API: the query keys of everything cached about runs, the run itself (polled while it
 * runs), paged search for the table and its live rows, delete and restore.
 */
import {
  infiniteQueryOptions,
  keepPreviousData,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type Query,
} from '@tanstack/react-query'
import { useMemo } from 'react'

import { api, unwrap } from '../api/client'
import type { Run, ViewType } from '../api/types'
import type { DetailRequest } from '../charts/zoom'
import { experimentKeys } from '../experiments/api'
import { isLive, LIVE_INTERVAL_MS, runIdFilter, runningIds, stillRunning, withFresh } from './live'

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

/**
 * Every query key about runs, one prefix per level, so one invalidation reaches all the entries below it:
 * `all` after deleting or restoring runs, `lists()` and `detail(id)` after editing one run.
 */
export const runKeys = {
  all: ['runs'] as const,
  /** Every search over runs (the table's pages, its live rows, the jump box): a changed run may move in any. */
  lists: () => [...runKeys.all, 'list'] as const,
  pages: (query: RunQuery) => [...runKeys.lists(), 'pages', query] as const,
  live: (experimentId: string, runIds: readonly string[]) => [...runKeys.lists(), 'live', experimentId, runIds] as const,
  jump: (filter: string | null, experimentIds: readonly string[] | undefined) =>
    [...runKeys.lists(), 'jump', filter, experimentIds] as const,
  details: () => [...runKeys.all, 'detail'] as const,
  detail: (runId: string) => [...runKeys.details(), runId] as const,
  children: (runId: string) => [...runKeys.all, 'children', runId] as const,
  metricHistory: (runId: string, key: string, maxPoints: number) =>
    [...runKeys.all, 'metric-history', runId, key, maxPoints] as const,
  /** Zoomed step ranges of one metric, keyed by each run's range bucket so nearby zooms share an entry. */
  metricRanges: (key: string, ranges: readonly { runId: string; request: DetailRequest }[]) =>
    [
      ...runKeys.all,
      'metric-range',
      key,
      ranges.map(({ runId, request }) => [runId, request.minStep, request.maxStep, request.maxPoints]),
    ] as const,
}

/** One run; refreshed every LIVE_INTERVAL_MS while it is RUNNING and the page is visible. */
export function runQuery(runId: string) {
  return queryOptions({
    queryKey: runKeys.detail(runId),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/runs/{run_id}', { params: { path: { run_id: runId } }, signal })),
    refetchInterval: (query: Query<Run>) => (isLive(query.state.data) ? LIVE_INTERVAL_MS : false),
    refetchIntervalInBackground: false,
  })
}

export function useRun(runId: string) {
  return useQuery(runQuery(runId))
}

/** The runs of one experiment, page by page as the table scrolls; the last result stays while the next loads. */
export function runPagesQuery(query: RunQuery) {
  return infiniteQueryOptions({
    queryKey: runKeys.pages(query),
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

export function useRunPages(query: RunQuery) {
  return useInfiniteQuery(runPagesQuery(query))
}

/** The table's running rows fetched again by id, every LIVE_INTERVAL_MS until none of them is running. */
export function liveRunsQuery(experimentId: string, runIds: readonly string[]) {
  return queryOptions({
    queryKey: runKeys.live(experimentId, runIds),
    queryFn: ({ signal }) =>
      unwrap(
        api.POST('/api/v1/runs/search', {
          body: { experiment_ids: [experimentId], filter: runIdFilter(runIds), max_results: runIds.length, view: 'all' },
          signal,
        }),
      ),
    enabled: runIds.length > 0,
    refetchInterval: stillRunning,
    refetchIntervalInBackground: false,
  })
}

/** `runs` with the running ones replaced by their latest versions. */
export function useLiveRuns(experimentId: string, runs: readonly Run[]): readonly Run[] {
  const ids = useMemo(() => runningIds(runs), [runs])
  const live = useQuery(liveRunsQuery(experimentId, ids))
  return useMemo(() => withFresh(runs, live.data?.items), [runs, live.data])
}

async function eachRun(runIds: readonly string[], act: (runId: string) => Promise<unknown>): Promise<void> {
  const queue = [...runIds]
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await act(id)
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker))
}

/** A change to whole runs touches everything cached about runs, and the experiments' run counts. */
function useRunsChange(act: (runId: string) => Promise<unknown>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (runIds: readonly string[]) => eachRun(runIds, act),
    onSettled: async () => {
      await Promise.all([
        client.invalidateQueries({ queryKey: runKeys.all }),
        client.invalidateQueries({ queryKey: experimentKeys.activities() }),
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
