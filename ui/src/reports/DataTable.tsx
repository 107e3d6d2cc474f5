/** Table items: sortable by any column, drifted rows highlighted, long tables shown in part until asked. */
import { useMemo, useState } from 'react'

import { Button } from '../ui/Button'
import { cx } from '../ui/cx'
import { formatCount } from '../ui/format'
import type { Scalar, TableItem } from './document'
import { formatScalar } from './format'
import styles from './Items.module.css'
import { driftColumn, nextSort, numericColumns, sortRows, type TableSort } from './tables'

/** Rows drawn before "Show all" is pressed. */
const FIRST_ROWS = 200

function Cell({ value, column, drift }: { value: Scalar | undefined; column: string; drift: boolean }) {
  if (drift && typeof value === 'boolean') {
    return <span className={cx(styles.flag, value ? styles.flagOn : styles.flagOff)}>{value ? 'drifted' : 'no'}</span>
  }
  return <>{formatScalar(value ?? null, column)}</>
}

export function DataTable({ item }: { item: TableItem }) {
  const [sort, setSort] = useState<TableSort | null>(null)
  const [all, setAll] = useState(false)
  const rows = useMemo(() => sortRows(item.rows, sort), [item.rows, sort])
  const numeric = useMemo(() => numericColumns(item), [item])
  const drift = driftColumn(item)
  const shown = all ? rows : rows.slice(0, FIRST_ROWS)

  return (
    <div className={styles.tableBlock} data-kind="table">
      <div className={styles.tableScroll}>
        <table className={styles.table}>
          <caption>{item.title || item.name}</caption>
          <thead>
            <tr>
              {item.columns.map((column, index) => {
                const sorted = sort?.column === index ? sort.direction : null
                return (
                  <th
                    key={`${index}-${column}`}
                    scope="col"
                    className={cx(numeric[index] && styles.numeric)}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                  >
                    <button type="button" className={styles.sortButton} onClick={() => setSort(nextSort(sort, index))} title={`Sort by ${column}`}>
                      {column}
                      <span className={styles.sortMark} aria-hidden>
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                      </span>
                    </button>
                  </th>
                )
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((row, rowIndex) => (
              <tr key={rowIndex} className={cx(drift >= 0 && row[drift] === true && styles.driftedRow)} data-drifted={drift >= 0 && row[drift] === true ? true : undefined}>
                {item.columns.map((column, index) => (
                  <td key={index} className={cx(numeric[index] && styles.numeric)}>
                    <Cell value={row[index]} column={column} drift={index === drift} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > shown.length && (
        <Button size="small" onClick={() => setAll(true)}>
          Show all {formatCount(rows.length)} rows
        </Button>
      )}
    </div>
  )
}
