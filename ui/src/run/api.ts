/**
 * The run page's requests: its child runs, metric histories at a resolution that fits the chart, zoomed
 * ranges of them, and tag edits. The run itself is `runQuery` in `runs/api.ts`, which owns the run keys.
 */
import { keepPreviousData, queryOptions, skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'
import type { Run } from '../api/types'
import type { DetailRequest } from '../charts/zoom'
import { runKeys } from '../runs/api'
import { isLive, LIVE_INTERVAL_MS } from '../runs/live'

/** A history that is not live is reused for a minute; a live one is stale at once, so every poll fetches it. */
const SETTLED_HISTORY_STALE_MS = 60_000

type MetricHistory = components['schemas']['MetricHistory']

export interface ChildRun {
  run_id: string
  run?: Run
}

/** The run's children: their ids from /children, names and status from one search of the experiment. */
function childRunsQuery(run: Run) {
  return queryOptions({
    queryKey: runKeys.children(run.run_id),
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
    // New children of a running run are rarer than new points, so they are asked for less often.
    refetchInterval: isLive(run) ? LIVE_INTERVAL_MS * 4 : false,
  })
}

export function useChildRuns(run: Run) {
  return useQuery(childRunsQuery(run))
}

/**
 * One metric's history, reduced by the server to about `maxPoints` (keeping each bucket's extremes).
 * `live` (the run is running and its chart on screen) polls it.
 */
export function metricHistoryQuery(runId: string, key: string, maxPoints: number, live: boolean) {
  return queryOptions({
    queryKey: runKeys.metricHistory(runId, key, maxPoints),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/runs/{run_id}/metric-history', {
          params: { path: { run_id: runId }, query: { key, max_points: maxPoints } },
          signal,
        }),
      ),
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
    refetchIntervalInBackground: false,
    staleTime: live ? 0 : SETTLED_HISTORY_STALE_MS,
  })
}

/**
 * One metric's history for a run page chart; `enabled` holds the request until the chart is on screen and
 * measured, and the last history stays drawn while one at a new resolution loads.
 */
export function useMetricHistory(runId: string, key: string, maxPoints: number, { live = false, enabled = true } = {}) {
  return useQuery({ ...metricHistoryQuery(runId, key, maxPoints, live), enabled, placeholderData: keepPreviousData })
}

interface RangeDetail {
  runId: string
  request: DetailRequest
  history: MetricHistory
}

/**
 * Step ranges of one metric for a zoomed chart (what it draws in detail), one request per run in
 * `ranges`; `live` polls them (a range that reaches the end of a running series grows).
 */
export function metricRangesQuery(
  key: string,
  ranges: readonly { runId: string; request: DetailRequest }[],
  { enabled, live }: { enabled: boolean; live: boolean },
) {
  return queryOptions({
    queryKey: runKeys.metricRanges(key, ranges),
    queryFn:
      enabled && ranges.length > 0
        ? ({ signal }) =>
            Promise.all(
              ranges.map(
                async ({ runId, request }): Promise<RangeDetail> => ({
                  runId,
                  request,
                  history: await fetchMetricRange(runId, key, request, signal),
                }),
              ),
            )
        : skipToken,
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
    refetchIntervalInBackground: false,
    staleTime: live ? 0 : SETTLED_HISTORY_STALE_MS,
  })
}

function fetchMetricRange(runId: string, key: string, request: DetailRequest, signal: AbortSignal) {
  const { minStep, maxStep, maxPoints } = request
  return unwrap(
    api.GET('/api/v1/runs/{run_id}/metric-history', {
      params: { path: { run_id: runId }, query: { key, max_points: maxPoints, min_step: minStep, max_step: maxStep } },
      signal,
    }),
  )
}

/** An edit to one run: its own entry and every search that may show it are out of date. */
function useRunChange<T>(runId: string, act: (value: T) => Promise<unknown>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: act,
    onSettled: async () => {
      await Promise.all([
        client.invalidateQueries({ queryKey: runKeys.detail(runId) }),
        client.invalidateQueries({ queryKey: runKeys.lists() }),
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
