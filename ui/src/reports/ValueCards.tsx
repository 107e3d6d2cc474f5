/** Value items: a big number each, with the reference figure beside it and how much it moved. */
import { cx } from '../ui/cx'
import type { ValueItem } from './document'
import { deltaOf, formatScalar } from './format'
import styles from './Items.module.css'

/** Booleans that are bad news when true (drift) are drawn in the danger colour. */
function alarming(item: ValueItem): boolean {
  return item.value === true && /(^|\.)(dataset_drift|drifted)(\.|$)/.test(item.name)
}

export function ValueCard({ item }: { item: ValueItem }) {
  const hasReference = item.reference !== null && item.reference !== undefined
  const delta = deltaOf(item.value, item.reference, item.name)
  return (
    <div className={styles.valueCard} data-kind="value">
      <div className={styles.valueLabel} title={item.name}>
        {item.title || item.name}
      </div>
      <div className={cx(styles.bigNumber, alarming(item) && styles.alarm)}>{formatScalar(item.value, item.name)}</div>
      {hasReference && (
        <div className={styles.valueReference}>
          <span>
            reference <strong>{formatScalar(item.reference, item.name)}</strong>
          </span>
          {delta && delta.direction !== 'same' && (
            <span className={styles.delta} title="current − reference">
              {delta.direction === 'up' ? '▲' : '▼'} {delta.text}
              {delta.relative && <span className="faint"> ({delta.relative})</span>}
            </span>
          )}
        </div>
      )}
    </div>
  )
}

export function ValueCards({ items }: { items: readonly ValueItem[] }) {
  return (
    <div className={styles.values}>
      {items.map((item) => (
        <ValueCard key={item.name} item={item} />
      ))}
    </div>
  )
}
