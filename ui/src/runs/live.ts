/**
 * What "live" means for runs: a run shown as RUNNING is fetched again every LIVE_INTERVAL_MS, so its
 * status, duration and latest metrics move without a reload. In the table only those rows are asked for
 * (at most MAX_LIVE), never the loaded pages, which may hold 100,000 runs; polling stops once none of them
 * is running, and while the tab is hidden. The queries themselves are in `api.ts`.
 */
import type { Query } from '@tanstack/react-query'

import type { Run } from '../api/types'

/** How often whatever shows a running run refreshes: the table's rows, the run page, its charts, compare. */
export const LIVE_INTERVAL_MS = 3000
export const MAX_LIVE = 200

type LivePage = { items: Run[] }

/** A run that can still change: running, and not deleted. */
export function isLive(run: Pick<Run, 'status' | 'lifecycle_stage'> | undefined): boolean {
  return run?.status === 'RUNNING' && run.lifecycle_stage === 'active'
}

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
