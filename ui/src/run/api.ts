/**
 * The run page's requests: the run (polled while it runs), its child runs, metric histories at a
 * resolution that fits the chart, and tag edits.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient, type Query } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import type { Run } from '../api/types'
import type { DetailRequest } from '../charts/zoom'

/** How often a running run and its visible charts refresh. Polling pauses while the tab is hidden. */
export const LIVE_INTERVAL_MS = 2_500

export function isLive(run: Pick<Run, 'status' | 'lifecycle_stage'> | undefined): boolean {
  return run?.status === 'RUNNING' && run.lifecycle_stage === 'active'
}

function fetchRun(runId: string, signal?: AbortSignal) {
  return unwrap(api.GET('/api/v1/runs/{run_id}', { params: { path: { run_id: runId } }, signal }))
}

/** The run; refreshed every few seconds while it is RUNNING and the page is visible. */
export function useLiveRun(runId: string) {
  return useQuery({
    queryKey: ['run', runId],
    queryFn: ({ signal }) => fetchRun(runId, signal),
    refetchInterval: (query: Query<Run>) => (isLive(query.state.data) ? LIVE_INTERVAL_MS : false),
    refetchIntervalInBackground: false,
  })
}

export interface ChildRun {
  run_id: string
  run?: Run
}

/** The run's children: their ids from /children, names and status from one search of the experiment. */
export function useChildRuns(run: Run) {
  return useQuery({
    queryKey: ['run-children', run.run_id],
    queryFn: async ({ signal }): Promise<ChildRun[]> => {
      const ids = await unwrap(
        api.GET('/api/v1/runs/{run_id}/children', { params: { path: { run_id: run.run_id } }, signal }),
      )
      if (ids.length === 0) return []
      const found = await unwrap(
        api.POST('/api/v1/runs/search', {
          body: {
            experiment_ids: [run.experiment_id],
            filter: `attributes.parent_run_id = '${run.run_id}'`,
            max_results: 200,
            view: 'all',
          },
          signal,
        }),
      )
      const byId = new Map(found.items.map((child) => [child.run_id, child]))
      return ids.map((id) => ({ run_id: id, run: byId.get(id) }))
    },
    refetchInterval: isLive(run) ? LIVE_INTERVAL_MS * 4 : false,
  })
}

export function metricHistoryKey(runId: string, key: string, maxPoints: number) {
  return ['metric-history', runId, key, maxPoints] as const
}

export function fetchMetricHistory(runId: string, key: string, maxPoints: number, signal?: AbortSignal) {
  return unwrap(
    api.GET('/api/v1/runs/{run_id}/metric-history', {
      params: { path: { run_id: runId }, query: { key, max_points: maxPoints } },
      signal,
    }),
  )
}

/**
 * Step ranges of one metric for a zoomed chart (what it draws in detail), keyed by each run's range
 * bucket: nearby zooms share an entry.
 */
export function metricRangesKey(key: string, ranges: readonly { runId: string; request: DetailRequest }[]) {
  return ['metric-history-range', key, ranges.map(({ runId, request }) => [runId, request.minStep, request.maxStep, request.maxPoints])] as const
}

export function fetchMetricRange(runId: string, key: string, request: DetailRequest, signal?: AbortSignal) {
  const { minStep, maxStep, maxPoints } = request
  return unwrap(
    api.GET('/api/v1/runs/{run_id}/metric-history', {
      params: { path: { run_id: runId }, query: { key, max_points: maxPoints, min_step: minStep, max_step: maxStep } },
      signal,
    }),
  )
}

/**
 * One metric's history, reduced by the server to about `maxPoints` (keeping each bucket's extremes).
 * `live` polls it; `enabled` holds the request until the chart is on screen and measured.
 */
export function useMetricHistory(runId: string, key: string, maxPoints: number, { live = false, enabled = true } = {}) {
  return useQuery({
    queryKey: metricHistoryKey(runId, key, maxPoints),
    queryFn: ({ signal }) => fetchMetricHistory(runId, key, maxPoints, signal),
    enabled,
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
    staleTime: live ? 0 : 60_000,
  })
}

function useRunChange<T>(runId: string, act: (value: T) => Promise<unknown>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: act,
    onSettled: async () => {
      await Promise.all([
        client.invalidateQueries({ queryKey: ['run', runId] }),
        client.invalidateQueries({ queryKey: ['runs'] }),
      ])
    },
  })
}

/** Set (add or overwrite) tags. */
export function useSetTags(runId: string) {
  return useRunChange(runId, (tags: Record<string, string>) =>
    unwrap(api.POST('/api/v1/runs/{run_id}/batch', { params: { path: { run_id: runId } }, body: { tags } })),
  )
}

export function useDeleteTag(runId: string) {
  return useRunChange(runId, (key: string) =>
    unwrap(api.DELETE('/api/v1/runs/{run_id}/tags', { params: { path: { run_id: runId }, query: { key } } })),
  )
}
