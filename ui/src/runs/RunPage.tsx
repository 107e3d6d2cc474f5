/** One run at a glance: its facts, params, latest metrics and tags. */
import { Link, useParams } from 'react-router'

import type { Run } from '../api/types'
import { formatDuration, formatIso, formatMetric } from '../ui/format'
import { KeyValueTable } from '../ui/KeyValueTable'
import { ErrorState, Loading } from '../ui/State'
import { useNow } from '../ui/useNow'
import { useExperiment } from '../experiments/api'
import { useRun } from './api'
import styles from './RunPage.module.css'
import { DeletedBadge, StatusBadge } from './StatusBadge'

function sortedEntries(record: Record<string, unknown> | undefined, format: (value: unknown) => string) {
  return Object.entries(record ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => [key, format(value)] as const)
}

function Section({ title, entries, numeric }: { title: string; entries: readonly (readonly [string, string])[]; numeric?: boolean }) {
  return (
    <section className={styles.section}>
      <h2>
        {title} <span className="faint">{entries.length}</span>
      </h2>
      {entries.length > 0 ? <KeyValueTable entries={entries} label={title} numeric={numeric} /> : <div className={styles.none}>None logged.</div>}
    </section>
  )
}

export function RunPage() {
  const { runId = '' } = useParams()
  const run = useRun(runId)
  if (run.isError) return <div className="page"><ErrorState error={run.error} title="Could not load the run" onRetry={() => void run.refetch()} /></div>
  if (!run.data) return <Loading what="the run" />
  return <RunDetails run={run.data} />
}

function RunDetails({ run }: { run: Run }) {
  const experiment = useExperiment(run.experiment_id).data
  const now = useNow(5_000)
  const end = run.end_time ?? (run.status === 'RUNNING' ? now : null)
  return (
    <div className="page">
      <header className={styles.header}>
        <div className={styles.crumbs}>
          <Link to={`/experiments/${run.experiment_id}`}>{experiment?.name ?? `Experiment ${run.experiment_id}`}</Link> / run
        </div>
        <div className={styles.title}>
          <h1>{run.run_name || run.run_id}</h1>
          {run.lifecycle_stage === 'deleted' ? <DeletedBadge /> : <StatusBadge status={run.status} />}
        </div>
        <dl className={styles.facts}>
          <div>
            <dt>id</dt>
            <dd className="mono">{run.run_id}</dd>
          </div>
          <div>
            <dt>started</dt>
            <dd>{formatIso(run.start_time)}</dd>
          </div>
          <div>
            <dt>duration</dt>
            <dd>{end === null ? '–' : formatDuration(end - run.start_time)}</dd>
          </div>
          <div>
            <dt>user</dt>
            <dd>{run.user_id || '–'}</dd>
          </div>
          {run.parent_run_id && (
            <div>
              <dt>parent</dt>
              <dd>
                <Link className="mono" to={`/experiments/${run.experiment_id}/runs/${run.parent_run_id}`}>
                  {run.parent_run_id.slice(0, 12)}
                </Link>
              </dd>
            </div>
          )}
        </dl>
      </header>
      <div className={styles.sections}>
        <Section title="Params" entries={sortedEntries(run.params, String)} />
        <Section title="Metrics" entries={sortedEntries(run.metrics, formatMetric)} numeric />
        <Section title="Tags" entries={sortedEntries(run.tags, String)} />
      </div>
    </div>
  )
}
