/** One stored report (route /reports/:reportId): where it came from, then the whole document. */
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'

import { ApiError } from '../api/errors'
import { useCan } from '../auth/useCan'
import { useExperiment } from '../experiments/api'
import { Button } from '../ui/Button'
import { Dialog } from '../ui/Dialog'
import { formatIso, formatRelative } from '../ui/format'
import { ErrorState, Loading } from '../ui/State'
import { useNow } from '../ui/useNow'
import { useDeleteReport, useReport, useReportDocument } from './api'
import { VerdictBadge } from './Badge'
import styles from './Report.module.css'
import { DocumentFacts, ReportView } from './ReportView'
import { displayName, subjectHref, subjectRun, verdictOf, type StoredReport } from './summary'

export function ReportPage() {
  const { reportId = '' } = useParams()
  const stored = useReport(reportId)
  if (stored.isError) {
    const missing = stored.error instanceof ApiError && stored.error.status === 404
    return (
      <div className="page">
        <ErrorState error={stored.error} title={missing ? 'No such report' : 'Could not load the report'} onRetry={() => void stored.refetch()} />
      </div>
    )
  }
  if (!stored.data) return <Loading what="the report" />
  return <StoredReportView key={reportId} report={stored.data} />
}

function Subject({ report }: { report: StoredReport }) {
  const href = subjectHref(report.subject, report.experiment_id)
  const runId = subjectRun(report.subject)
  if (href && runId) {
    return (
      <Link to={href} className="mono">
        run {runId.slice(0, 12)}
      </Link>
    )
  }
  return <span className="mono">{report.subject}</span>
}

function ExperimentLink({ experimentId }: { experimentId: string }) {
  const experiment = useExperiment(experimentId).data
  return <Link to={`/experiments/${experimentId}`}>{experiment?.name ?? `Experiment ${experimentId}`}</Link>
}

function StoredReportView({ report }: { report: StoredReport }) {
  const navigate = useNavigate()
  const now = useNow()
  const document = useReportDocument(report.report_id)
  const canDelete = useCan(report.experiment_id ?? undefined, 'edit')
  const remove = useDeleteReport()
  const [confirm, setConfirm] = useState(false)
  const listHref = report.experiment_id ? `/experiments/${report.experiment_id}/reports` : '/'

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <div className={styles.crumbs}>
          {report.experiment_id ? (
            <>
              <ExperimentLink experimentId={report.experiment_id} />{' / '}
              <Link to={listHref}>reports</Link>
            </>
          ) : (
            'reports'
          )}
        </div>
        <div className={styles.titleRow}>
          <h1>{displayName(report)}</h1>
          <VerdictBadge verdict={verdictOf(report)} />
          <span className={styles.kind}>{report.kind === 'suite' ? 'test suite' : 'report'}</span>
          <span className={styles.spacer} />
          {canDelete && (
            <Button size="small" variant="danger" onClick={() => setConfirm(true)}>
              Delete
            </Button>
          )}
        </div>
        <dl className={styles.facts}>
          <div className={styles.fact}>
            <dt>subject</dt>
            <dd>
              <Subject report={report} />
            </dd>
          </div>
          <div className={styles.fact}>
            <dt>created</dt>
            <dd title={formatIso(report.created_at)}>
              {formatIso(report.created_at)} <span className="faint">({formatRelative(report.created_at, now)})</span>
            </dd>
          </div>
        </dl>
        {document.data && <DocumentFacts document={document.data} />}
      </header>

      {document.isError ? (
        <ErrorState error={document.error} title="Could not load the report's contents" onRetry={() => void document.refetch()} />
      ) : !document.data ? (
        <Loading what="the report's contents" />
      ) : (
        <ReportView document={document.data} />
      )}

      <Dialog
        open={confirm}
        title={`Delete “${displayName(report)}”?`}
        submitLabel="Delete"
        danger
        busy={remove.isPending}
        error={remove.error instanceof ApiError ? remove.error.summary : null}
        onClose={() => setConfirm(false)}
        onSubmit={() => remove.mutate(report.report_id, { onSuccess: () => void navigate(listHref, { replace: true }) })}
      >
        The stored report and its document are removed for good; the run it belongs to is not touched.
      </Dialog>
    </div>
  )
}
