/** Matrix items: a heat grid with the number in every cell (confusion matrices, correlation changes). */
import { useMemo, type CSSProperties } from 'react'

import { cellStrength, matrixShading } from './chartData'
import type { MatrixItem } from './document'
import styles from './Items.module.css'

function formatCell(value: number | undefined): string {
  if (value === undefined) return ''
  if (!Number.isFinite(value)) return String(value)
  if (Number.isInteger(value)) return String(value)
  return String(Number(value.toPrecision(3)))
}

export function MatrixGrid({ item }: { item: MatrixItem }) {
  const shading = useMemo(() => matrixShading(item), [item])
  const title = item.title || item.name
  return (
    <figure className={styles.chart} data-kind="matrix">
      <figcaption className={styles.chartTitle}>{title}</figcaption>
      <div className={styles.tableScroll}>
        <table className={styles.matrix} aria-label={title}>
          <thead>
            <tr>
              <th />
              {item.column_labels.map((label, index) => (
                <th key={index} scope="col" title={label}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {item.row_labels.map((label, row) => (
              <tr key={row}>
                <th scope="row" title={label}>
                  {label}
                </th>
                {item.column_labels.map((_, column) => {
                  const value = item.values[row]?.[column]
                  const strength = value === undefined ? 0 : cellStrength(value, shading)
                  const hue = shading.diverging && value !== undefined && value < 0 ? 'var(--danger)' : 'var(--report-current)'
                  const style = { '--cell': `color-mix(in srgb, ${hue} ${strength}%, transparent)` } as CSSProperties
                  return (
                    <td key={column} style={style} className={strength > 55 ? styles.strongCell : undefined} title={`${label} × ${item.column_labels[column] ?? ''}: ${formatCell(value)}`}>
                      {formatCell(value)}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  )
}
