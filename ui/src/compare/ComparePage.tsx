/** Runs side by side (/compare?runs=a,b,c): every param, metric and tag, with differences highlighted. */
import { useQueries } from '@tanstack/react-query'
import { Fragment, useState } from 'react'
import { Link, useSearchParams } from 'react-router'

import { api, unwrap } from '../api/client'
import type { Run } from '../api/types'
import { StatusBadge } from '../runs/StatusBadge'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import { Switch } from '../ui/Switch'
import styles from './Compare.module.css'
import { compareRows } from './compareRows'

export function parseRunIds(raw: string | null): string[] {
  return [...new Set((raw ?? '').split(',').map((id) => id.trim()).filter(Boolean))]
}

export function ComparePage() {
  const [params] = useSearchParams()
  const ids = parseRunIds(params.get('runs'))
  const results = useQueries({
    queries: ids.map((runId) => ({
      queryKey: ['run', runId],
      queryFn: () => unwrap(api.GET('/api/v1/runs/{run_id}', { params: { path: { run_id: runId } } })),
    })),
  })
  const [onlyDiffs, setOnlyDiffs] = useState(false)

  if (ids.length === 0) {
    return (
      <div className="page">
        <EmptyState title="Nothing to compare">
          Select two or more runs in an experiment's table, then press Compare.
        </EmptyState>
      </div>
    )
  }
  const failed = results.find((result) => result.isError)
  if (failed) return <div className="page"><ErrorState error={failed.error} title="Could not load a run" /></div>
  if (results.some((result) => !result.data)) return <Loading what="runs" />
  const runs = results.map((result) => result.data).filter((run): run is Run => run !== undefined)
  const rows = compareRows(runs).filter((row) => !onlyDiffs || row.differs)

  return (
    <div className="page">
      <div className="page-header">
        <h1>Compare {runs.length} runs</h1>
        <Switch label="Only differences" checked={onlyDiffs} onChange={setOnlyDiffs} />
      </div>
      <div className={styles.scroll}>
        <table className={styles.table}>
          <thead>
            <tr>
              <th />
              {runs.map((run) => (
                <th key={run.run_id}>
                  <Link to={`/experiments/${run.experiment_id}/runs/${run.run_id}`}>{run.run_name || run.run_id.slice(0, 12)}</Link>{' '}
                  <StatusBadge status={run.status} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <Fragment key={`${row.section}:${row.key}`}>
                {row.section !== rows[index - 1]?.section && (
                  <tr className={styles.section}>
                    <th colSpan={runs.length + 1}>{row.section}</th>
                  </tr>
                )}
                <tr className={row.differs ? styles.differs : undefined}>
                  <th className={styles.key} scope="row">
                    {row.key}
                  </th>
                  {row.values.map((value, column) => (
                    <td key={runs[column]?.run_id ?? column} className={styles.value}>
                      {value || <span className="faint">–</span>}
                    </td>
                  ))}
                </tr>
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
