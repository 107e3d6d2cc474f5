/** An experiment's stored reports (route /experiments/:experimentId/reports), filterable by kind and outcome. */
import { useMemo } from 'react'
import { Link, useParams, useSearchParams } from 'react-router'

import { ApiError } from '../api/errors'
import { useExperiment } from '../experiments/api'
import { Button } from '../ui/Button'
import { formatCount } from '../ui/format'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import { useReportPages } from './api'
import styles from './Reports.module.css'
import { ReportsTable } from './ReportsTable'
import { matchesFilter, type KindFilter, type OutcomeFilter, type ReportFilter } from './summary'

const KINDS: { value: KindFilter; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'report', label: 'Reports' },
  { value: 'suite', label: 'Suites' },
]

const OUTCOMES: { value: OutcomeFilter; label: string; title: string }[] = [
  { value: '', label: 'Any outcome', title: 'Every report' },
  { value: 'fail', label: 'Failing', title: 'Failed suites and reports that found dataset drift' },
  { value: 'pass', label: 'Passing', title: 'Passed suites and reports that found no dataset drift' },
]

/** The filter the URL holds (`?kind=suite&outcome=fail`); unknown values read as "all". */
export function filterFromParams(params: URLSearchParams): ReportFilter {
  const kind = params.get('kind')
  const outcome = params.get('outcome')
  return {
    kind: kind === 'report' || kind === 'suite' ? kind : '',
    outcome: outcome === 'pass' || outcome === 'fail' ? outcome : '',
  }
}

function Segmented<T extends string>({ label, options, value, onChange }: {
  label: string
  options: readonly { value: T; label: string; title?: string }[]
  value: T
  onChange: (value: T) => void
}) {
  return (
    <div className={styles.segmented} role="group" aria-label={label}>
      {options.map((option) => (
        <Button key={option.value || 'all'} size="small" pressed={value === option.value} title={option.title} onClick={() => onChange(option.value)}>
          {option.label}
        </Button>
      ))}
    </div>
  )
}

export function ExperimentReportsPage() {
  const { experimentId = '0' } = useParams()
  return <ExperimentReports key={experimentId} experimentId={experimentId} />
}

function ExperimentReports({ experimentId }: { experimentId: string }) {
  const experiment = useExperiment(experimentId)
  const query = useReportPages({ experimentId })
  const [params, setParams] = useSearchParams()
  const filter = filterFromParams(params)
  const all = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data])
  const shown = useMemo(() => all.filter((report) => matchesFilter(report, filter)), [all, filter])
  const filtered = filter.kind !== '' || filter.outcome !== ''

  const update = (change: Partial<ReportFilter>) => {
    const next = { ...filter, ...change }
    const search = new URLSearchParams(params)
    for (const [key, value] of Object.entries(next)) {
      if (value) search.set(key, value)
      else search.delete(key)
    }
    setParams(search, { replace: true })
  }

  if (experiment.isError) {
    const missing = experiment.error instanceof ApiError && experiment.error.status === 404
    return (
      <div className="page">
        <ErrorState error={experiment.error} title={missing ? `No experiment ${experimentId}` : 'Could not load the experiment'} onRetry={() => void experiment.refetch()} />
      </div>
    )
  }

  return (
    <div className={styles.page}>
      <div className={styles.titleRow}>
        <h1>{experiment.data?.name ?? '\u00a0'}</h1>
        <span className={styles.id}>#{experimentId}</span>
        <nav className={styles.tabs} aria-label="Experiment views">
          <Link to={`/experiments/${experimentId}`}>Runs</Link>
          <span className={styles.activeTab} aria-current="page">
            Reports
          </span>
        </nav>
      </div>

      <div className="toolbar">
        <Segmented label="Kind" options={KINDS} value={filter.kind} onChange={(kind) => update({ kind })} />
        <Segmented label="Outcome" options={OUTCOMES} value={filter.outcome} onChange={(outcome) => update({ outcome })} />
        {query.data && (
          <span className={styles.count}>
            {filtered ? `${formatCount(shown.length)} of ${formatCount(all.length)}` : formatCount(all.length)} loaded
            {query.hasNextPage ? ', more on the server' : ''}
          </span>
        )}
      </div>

      {query.isError ? (
        <ErrorState error={query.error} title="Could not load the reports" onRetry={() => void query.refetch()} />
      ) : !query.data ? (
        <Loading what="reports" />
      ) : all.length === 0 ? (
        <EmptyState title="No reports in this experiment yet">
          Log a monitoring report or a suite outcome with a run:
          <pre className={styles.snippet}>
            {`import tether as tt\nfrom tether import monitoring as mon\n\nwith tt.start_run(experiment=${JSON.stringify(experiment.data?.name ?? 'my-experiment')}):\n    result = mon.Report([mon.DataQuality()]).run(reference=ref, current=cur)\n    tt.log_report(result, name="weekly check")`}
          </pre>
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState title="No report matches these filters">
          <Button size="small" onClick={() => update({ kind: '', outcome: '' })}>
            Show every report
          </Button>
        </EmptyState>
      ) : (
        <div className={styles.list}>
          <ReportsTable reports={shown} showRun label="Reports" />
          <div className={styles.status}>
            {query.hasNextPage ? (
              <Button size="small" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                {query.isFetchingNextPage ? 'Loading…' : 'Load older reports'}
              </Button>
            ) : (
              <span />
            )}
            <span>
              <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open
            </span>
          </div>
        </div>
      )}
    </div>
  )
}
