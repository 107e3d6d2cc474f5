/** The reports and suite outcomes logged with one run, for the run page's Reports tab. */
import { useMemo } from 'react'

import { Button } from '../ui/Button'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import { useReportPages } from './api'
import styles from './Reports.module.css'
import { ReportsTable } from './ReportsTable'

export function RunReports({ runId }: { runId: string }) {
  const query = useReportPages({ subject: `run:${runId}` })
  const reports = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data])

  if (query.isError) return <ErrorState error={query.error} title="Could not load the run's reports" onRetry={() => void query.refetch()} />
  if (!query.data) return <Loading what="reports" />
  if (reports.length === 0) {
    return (
      <EmptyState title="No reports for this run">
        Store a monitoring report or a test suite's outcome with this run:
        <pre className={styles.snippet}>
          {`import tether as tt\nfrom tether import monitoring as mon\n\nresult = mon.Report([mon.DataQuality()]).run(reference=ref, current=cur)\ntt.log_report(result, name="weekly check", run_id=${JSON.stringify(runId)})`}
        </pre>
      </EmptyState>
    )
  }
  return (
    <div className={styles.list}>
      <ReportsTable reports={reports} showRun={false} label="Reports of this run" />
      {query.hasNextPage && (
        <Button size="small" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
          {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </Button>
      )}
    </div>
  )
}
