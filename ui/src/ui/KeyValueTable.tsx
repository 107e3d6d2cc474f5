import { cx } from './cx'
import styles from './KeyValueTable.module.css'

/** Sorted key → value pairs (params, metrics, tags), in monospace so values line up. */
export function KeyValueTable({ entries, label, numeric = false }: {
  entries: readonly (readonly [string, string])[]
  label: string
  numeric?: boolean
}) {
  return (
    <table className={cx(styles.table, numeric && styles.numeric)} aria-label={label}>
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
