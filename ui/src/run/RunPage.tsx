/**
 * One run (/experiments/:id/runs/:runId): overview, metric charts, system metrics, artifacts and
 * monitoring reports, one tab each (?tab=…). Chart and artifact code loads only with its tab.
 * A running run refreshes itself every few seconds while the page is visible.
 */
import { lazy, Suspense, type ReactNode } from 'react'
import { Link, useParams } from 'react-router'

import type { Run } from '../api/types'
import { useExperiment } from '../experiments/api'
import { useRun } from '../runs/api'
import { isLive } from '../runs/live'
import { DeletedBadge, StatusBadge } from '../runs/StatusBadge'
import { formatDuration, formatIso } from '../ui/format'
import { ErrorState, Loading } from '../ui/State'
import { useNow } from '../ui/useNow'
import { Overview } from './Overview'
import styles from './RunPage.module.css'
import { splitMetricKeys } from './runTags'
import { TabPanel, Tabs, useUrlTab, type TabSpec } from './Tabs'
import tabStyles from './Tabs.module.css'

const MetricsTab = lazy(async () => ({ default: (await import('./MetricsTab')).MetricsTab }))
const ArtifactsBrowser = lazy(async () => ({ default: (await import('../artifacts/ArtifactsBrowser')).ArtifactsBrowser }))
const RunReports = lazy(async () => ({ default: (await import('../reports/RunReports')).RunReports }))

const TAB_IDS = ['overview', 'metrics', 'system', 'artifacts', 'reports'] as const
type TabId = (typeof TAB_IDS)[number]

export function RunPage() {
  const { runId = '' } = useParams()
  const run = useRun(runId)
  if (run.isError && !run.data) {
    return (
      <div className="page">
        <ErrorState error={run.error} title="Could not load the run" onRetry={() => void run.refetch()} />
      </div>
    )
  }
  if (!run.data) return <Loading what="the run" />
  return <RunView run={run.data} />
}

function RunView({ run }: { run: Run }) {
  const [tab, setTab] = useUrlTab(TAB_IDS)
  const keys = splitMetricKeys(Object.keys(run.metrics ?? {}))
  const count = (n: number) => <span className={tabStyles.count}>{n}</span>
  const tabs: TabSpec<TabId>[] = [
    { id: 'overview', label: 'Overview' },
    { id: 'metrics', label: <>Metrics {count(keys.model.length)}</> },
    { id: 'system', label: <>System {count(keys.system.length)}</> },
    { id: 'artifacts', label: 'Artifacts' },
    { id: 'reports', label: 'Reports' },
  ]
  return (
    <div className={`page ${styles.page}`}>
      <RunHeader run={run} />
      <Tabs tabs={tabs} current={tab} onSelect={setTab} label="Run views" idPrefix="run" />
      <TabPanel idPrefix="run" current={tab}>
        <Suspense fallback={<Loading what="the view" />}>
          {tab === 'overview' && <Overview run={run} />}
          {tab === 'metrics' && (
            <MetricsTab
              run={run}
              keys={keys.model}
              empty="No metrics logged yet."
              hint={'tt.log_metric("loss", 0.42, step=1)'}
            />
          )}
          {tab === 'system' && (
            <MetricsTab
              run={run}
              keys={keys.system}
              empty="No system metrics for this run."
              hint="tt.start_run(log_system_metrics=True)"
            />
          )}
          {tab === 'artifacts' && <ArtifactsBrowser runId={run.run_id} />}
          {tab === 'reports' && <RunReports runId={run.run_id} />}
        </Suspense>
      </TabPanel>
    </div>
  )
}

function RunHeader({ run }: { run: Run }) {
  const experiment = useExperiment(run.experiment_id).data
  const now = useNow(1_000)
  const live = isLive(run)
  const end = run.end_time ?? (live ? now : null)
  return (
    <header className={styles.header}>
      <nav className={styles.crumbs} aria-label="Breadcrumb">
        <Link to={`/experiments/${run.experiment_id}`}>{experiment?.name ?? `Experiment ${run.experiment_id}`}</Link>
        <span aria-hidden> / </span>
        <span>run</span>
      </nav>
      <div className={styles.title}>
        <h1>{run.run_name || run.run_id}</h1>
        {run.lifecycle_stage === 'deleted' ? <DeletedBadge /> : <StatusBadge status={run.status} />}
        {live && (
          <span className={styles.live} title="This page refreshes every few seconds while the run is running">
            <span className={styles.liveDot} aria-hidden /> live
          </span>
        )}
      </div>
      <dl className={styles.facts}>
        <Fact label="id">
          <span className="mono">{run.run_id}</span>
        </Fact>
        <Fact label="started">{formatIso(run.start_time)}</Fact>
        {run.end_time != null && <Fact label="ended">{formatIso(run.end_time)}</Fact>}
        <Fact label="duration">{end === null ? '–' : formatDuration(end - run.start_time)}</Fact>
        <Fact label="user">{run.user_id || '–'}</Fact>
      </dl>
    </header>
  )
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  )
}
