/**
 * Stored reports in a table, newest first: verdict, name, what it found, its run, when. A row opens the
 * report; j/k (or the arrows) move the cursor and Enter opens, as in the runs table.
 */
import { useState, type KeyboardEvent } from 'react'
import { Link, useNavigate } from 'react-router'

import { cx } from '../ui/cx'
import { formatIso, formatRelative } from '../ui/format'
import { cursorMove, isTyping, moveCursor } from '../ui/keys'
import { useNow } from '../ui/useNow'
import { SuiteCounts, VerdictBadge } from './Badge'
import styles from './Reports.module.css'
import { displayName, headlineOf, subjectHref, subjectRun, verdictOf, type StoredReport } from './summary'

export function reportHref(report: Pick<StoredReport, 'report_id'>): string {
  return `/reports/${report.report_id}`
}

function Finding({ report }: { report: StoredReport }) {
  if (report.kind === 'suite') return <SuiteCounts summary={report.summary} />
  const share = report.summary.share_of_drifted_columns
  return (
    <span className={styles.finding}>
      {typeof share === 'number' && (
        <span className={styles.meter} aria-hidden>
          <span style={{ width: `${Math.min(100, Math.max(0, share * 100))}%` }} />
        </span>
      )}
      {headlineOf(report)}
    </span>
  )
}

export function ReportsTable({ reports, showRun, label }: { reports: readonly StoredReport[]; showRun: boolean; label: string }) {
  const navigate = useNavigate()
  const now = useNow()
  const [cursor, setCursor] = useState(-1)

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return
    const move = cursorMove(event.key)
    if (move) {
      event.preventDefault()
      setCursor(moveCursor(cursor, move, reports.length))
      return
    }
    const report = reports[cursor]
    if (event.key === 'Enter' && report) {
      event.preventDefault()
      void navigate(reportHref(report))
    }
  }

  return (
    <table className={styles.table} aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Outcome</th>
          <th scope="col">Name</th>
          <th scope="col">Found</th>
          {showRun && <th scope="col">Run</th>}
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={() => {
          if (cursor < 0 && reports.length > 0) setCursor(0)
        }}
        onBlur={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget)) setCursor(-1)
        }}
      >
        {reports.map((report, index) => {
          const runHref = subjectHref(report.subject, report.experiment_id)
          const runId = subjectRun(report.subject)
          return (
            <tr
              key={report.report_id}
              className={cx(styles.row, index === cursor && styles.cursor)}
              onClick={(event) => {
                if ((event.target as HTMLElement).closest('a')) return
                void navigate(reportHref(report))
              }}
            >
              <td>
                <VerdictBadge verdict={verdictOf(report)} />
              </td>
              <td>
                <Link to={reportHref(report)} className={styles.name} tabIndex={-1}>
                  {displayName(report)}
                </Link>
                <span className={styles.kind}>{report.kind === 'suite' ? 'suite' : 'report'}</span>
              </td>
              <td>
                <Finding report={report} />
              </td>
              {showRun && (
                <td>
                  {runHref && runId ? (
                    <Link to={runHref} className="mono" tabIndex={-1}>
                      {runId.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="mono faint">{report.subject}</span>
                  )}
                </td>
              )}
              <td className={styles.time} title={formatIso(report.created_at)}>
                {formatRelative(report.created_at, now)}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
