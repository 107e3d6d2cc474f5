/** Every param, metric and tag of the compared runs, one column per run; rows that differ are marked. */
import { Fragment } from 'react'

import { Switch } from '../ui/Switch'
import { EmptyState } from '../ui/State'
import styles from './Compare.module.css'
import type { ComparedRun } from './ComparePage'
import { compareRows } from './compareRows'
import { useUrlValue } from './urlState'

export function CompareTable({ runs }: { runs: ComparedRun[] }) {
  const [diff, setDiff] = useUrlValue('diff')
  const onlyDiffs = diff === '1'
  const setOnlyDiffs = (value: boolean) => setDiff(value ? '1' : '')
  const all = compareRows(runs.map(({ run }) => run))
  const rows = all.filter((row) => !onlyDiffs || row.differs)
  const differing = all.filter((row) => row.differs).length
  return (
    <div className={styles.tableView}>
      <div className="toolbar">
        <Switch label="Only differences" checked={onlyDiffs} onChange={setOnlyDiffs} />
        <span className="faint">
          {differing} of {all.length} rows differ
        </span>
      </div>
      {rows.length === 0 ? (
        <EmptyState title={onlyDiffs ? 'The runs do not differ' : 'Nothing logged'}>
          {onlyDiffs ? 'Every param, metric and tag holds the same value in all runs.' : 'These runs have no params, metrics or tags.'}
        </EmptyState>
      ) : (
        <div className={styles.scroll}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th />
                {runs.map(({ run, color }) => (
                  <th key={run.run_id} scope="col">
                    <span className={styles.swatch} style={{ background: color }} aria-hidden /> {run.run_name || run.run_id.slice(0, 12)}
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
                      <td key={runs[column]?.run.run_id ?? column} className={styles.value} title={value.length > 40 ? value : undefined}>
                        {value || <span className="faint">–</span>}
                      </td>
                    ))}
                  </tr>
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
