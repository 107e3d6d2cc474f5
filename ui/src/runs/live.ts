/**
 * Live rows: runs shown as RUNNING are fetched again by id every few seconds, so their status, duration
 * and latest metrics move without a reload. Only those rows are asked for (at most MAX_LIVE), never the
 * loaded pages, which may hold 100,000 runs; polling stops once none of them is running, and while the
 * tab is hidden.
 */
import { useQuery, type Query } from '@tanstack/react-query'
import { useMemo } from 'react'

import { api, unwrap } from '../api/client'
import type { Run } from '../api/types'

export const LIVE_INTERVAL_MS = 3000
export const MAX_LIVE = 200

type LivePage = { items: Run[] }

/** A filter in the search grammar that matches exactly these runs. */
export function runIdFilter(ids: readonly string[]): string {
  return `attributes.run_id IN (${ids.map((id) => `'${id.replaceAll("'", "")}'`).join(', ')})`
}

/** The ids of the runs to keep fresh: those shown as running, the first MAX_LIVE of them. */
export function runningIds(runs: readonly Run[]): string[] {
  const ids: string[] = []
  for (const run of runs) {
    if (run.status !== 'RUNNING') continue
    ids.push(run.run_id)
    if (ids.length === MAX_LIVE) break
  }
  return ids
}

/** ``runs`` with each one that was fetched again replaced by its fresh version, in the same order. */
export function withFresh(runs: readonly Run[], fresh: readonly Run[] | undefined): readonly Run[] {
  if (!fresh || fresh.length === 0) return runs
  const byId = new Map(fresh.map((run) => [run.run_id, run]))
  return runs.map((run) => byId.get(run.run_id) ?? run)
}

export function stillRunning(query: Query<LivePage>): number | false {
  const items = query.state.data?.items
  return items === undefined || items.some((run) => run.status === 'RUNNING') ? LIVE_INTERVAL_MS : false
}

export function useLiveRuns(experimentId: string, runs: readonly Run[]): readonly Run[] {
  const ids = useMemo(() => runningIds(runs), [runs])
  const live = useQuery({
    queryKey: ['runs-live', experimentId, ids.join(',')],
    queryFn: ({ signal }) =>
      unwrap(
        api.POST('/api/v1/runs/search', {
          body: { experiment_ids: [experimentId], filter: runIdFilter(ids), max_results: ids.length, view: 'all' },
          signal,
        }),
      ),
    enabled: ids.length > 0,
    refetchInterval: stillRunning,
    refetchIntervalInBackground: false,
  })
  return useMemo(() => withFresh(runs, live.data?.items), [runs, live.data])
}
