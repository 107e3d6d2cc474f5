/**
 * Runs side by side (/compare?runs=a,b,c, 2 to 20 runs): overlaid metric charts, a table of params and
 * metrics with the differences marked, parallel coordinates and a scatter of any two columns. Each run
 * keeps one colour across the page. Tabs and choices live in the URL.
 */
import { useQueries } from '@tanstack/react-query'
import { lazy, Suspense, useMemo } from 'react'
import { Link, useSearchParams } from 'react-router'

import type { Run } from '../api/types'
import { seriesColor } from '../charts/palette'
import { TabPanel, Tabs, useUrlTab, type TabSpec } from '../run/Tabs'
import { runQuery } from '../runs/api'
import { StatusBadge } from '../runs/StatusBadge'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import styles from './Compare.module.css'
import { CompareTable } from './CompareTable'
import { MAX_RUNS, parseRunIds } from './runIds'

const CompareCharts = lazy(async () => ({ default: (await import('./CompareCharts')).CompareCharts }))
const ParallelCoordinates = lazy(async () => ({ default: (await import('./ParallelCoordinates')).ParallelCoordinates }))
const ScatterPlot = lazy(async () => ({ default: (await import('./ScatterPlot')).ScatterPlot }))

const TAB_IDS = ['charts', 'table', 'parallel', 'scatter'] as const
type TabId = (typeof TAB_IDS)[number]
const TABS: TabSpec<TabId>[] = [
  { id: 'charts', label: 'Charts' },
  { id: 'table', label: 'Table' },
  { id: 'parallel', label: 'Parallel coordinates' },
  { id: 'scatter', label: 'Scatter' },
]

export interface ComparedRun {
  run: Run
  color: string
}

export function ComparePage() {
  const [params] = useSearchParams()
  const allIds = parseRunIds(params.get('runs'))
  const ids = allIds.slice(0, MAX_RUNS)
  const results = useQueries({ queries: ids.map((runId) => runQuery(runId)) })

  if (ids.length === 0) {
    return (
      <div className="page">
        <EmptyState title="Nothing to compare">Select two or more runs in an experiment's table, then press Compare.</EmptyState>
      </div>
    )
  }
  const failed = results.find((result) => result.isError)
  if (failed) return <div className="page"><ErrorState error={failed.error} title="Could not load a run" onRetry={() => void failed.refetch()} /></div>
  if (results.some((result) => !result.data)) return <Loading what="runs" />
  const runs = results.map((result) => result.data).filter((run): run is Run => run !== undefined)
  return <CompareView runs={runs} dropped={allIds.length - ids.length} />
}

function CompareView({ runs, dropped }: { runs: Run[]; dropped: number }) {
  const [tab, setTab] = useUrlTab(TAB_IDS)
  const compared = useMemo(() => runs.map((run, index) => ({ run, color: seriesColor(index) })), [runs])
  return (
    <div className={`page ${styles.page}`}>
      <div className="page-header">
        <div>
          <h1>Compare {runs.length} runs</h1>
          {dropped > 0 && <div className="subtitle">Showing the first {MAX_RUNS}; {dropped} more left out.</div>}
          {runs.length === 1 && <div className="subtitle">Add another run to the link to compare it with this one.</div>}
        </div>
      </div>
      <ul className={styles.legend} aria-label="Runs">
        {compared.map(({ run, color }) => (
          <li key={run.run_id}>
            <span className={styles.swatch} style={{ background: color }} aria-hidden />
            <Link to={`/experiments/${run.experiment_id}/runs/${run.run_id}`} title={run.run_id}>
              {run.run_name || run.run_id.slice(0, 12)}
            </Link>
            <StatusBadge status={run.status} />
          </li>
        ))}
      </ul>
      <Tabs tabs={TABS} current={tab} onSelect={setTab} label="Comparison views" idPrefix="compare" />
      <TabPanel idPrefix="compare" current={tab}>
        <Suspense fallback={<Loading what="the view" />}>
          {tab === 'charts' && <CompareCharts runs={compared} />}
          {tab === 'table' && <CompareTable runs={compared} />}
          {tab === 'parallel' && <ParallelCoordinates runs={compared} />}
          {tab === 'scatter' && <ScatterPlot runs={compared} />}
        </Suspense>
      </TabPanel>
    </div>
  )
}
