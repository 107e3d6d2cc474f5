import type { NotComputedItem } from './document'
import styles from './Items.module.css'

/** A figure that could not be computed, and why: muted, never mistaken for a result. */
export function NotComputedBox({ item }: { item: NotComputedItem }) {
  return (
    <div className={styles.notComputed} data-kind="not_computed">
      <span className={styles.notComputedTitle}>{item.title || item.name}: not computed</span>
      <span>{item.reason}</span>
    </div>
  )
}
