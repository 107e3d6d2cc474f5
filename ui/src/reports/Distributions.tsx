/**
 * A metric's distributions, one per column. A few are drawn open; past COLLAPSE_AFTER they start
 * collapsed behind a search by column name, so a 100-column drift report stays one screen long.
 */
import { useMemo, useState } from 'react'

import { Button } from '../ui/Button'
import { cx } from '../ui/cx'
import { formatCount } from '../ui/format'
import { DistributionChart } from './DistributionChart'
import type { DistributionItem, Scalar } from './document'
import { formatScalar } from './format'
import styles from './Items.module.css'
import { COLLAPSE_AFTER, searchItems } from './tables'

/** The column a distribution belongs to: its title, else its name after the last dot. */
export function columnOf(item: DistributionItem): string {
  return item.title || item.name.slice(item.name.lastIndexOf('.') + 1)
}

function DriftNote({ column, values }: { column: string; values: Record<string, Scalar> }) {
  const drifted = values[`drifted.${column}`]
  const score = values[`drift_score.${column}`]
  if (drifted === undefined && score === undefined) return null
  return (
    <span className={styles.driftNote}>
      {drifted !== undefined && <span className={cx(styles.flag, drifted === true ? styles.flagOn : styles.flagOff)}>{drifted === true ? 'drifted' : 'no drift'}</span>}
      {score !== undefined && <span className="faint">score {formatScalar(score)}</span>}
    </span>
  )
}

export function Distributions({ items, values }: { items: readonly DistributionItem[]; values: Record<string, Scalar> }) {
  const collapsible = items.length > COLLAPSE_AFTER
  const [query, setQuery] = useState('')
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set())
  const shown = useMemo(() => searchItems(items, query), [items, query])

  if (!collapsible) {
    return (
      <div className={styles.distributionGrid}>
        {items.map((item) => (
          <div key={item.name} className={styles.distributionCard}>
            <div className={styles.chartTitle}>
              {columnOf(item)} <DriftNote column={columnOf(item)} values={values} />
            </div>
            <DistributionChart item={item} />
          </div>
        ))}
      </div>
    )
  }

  const toggle = (name: string) => {
    setOpen((current) => {
      const next = new Set(current)
      if (!next.delete(name)) next.add(name)
      return next
    })
  }
  const allOpen = shown.length > 0 && shown.every((item) => open.has(item.name))

  return (
    <div className={styles.distributionList}>
      <div className={styles.distributionTools}>
        <input
          type="search"
          placeholder="Search columns"
          aria-label="Search columns"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <span className="faint">
          {query ? `${formatCount(shown.length)} of ${formatCount(items.length)} columns` : `${formatCount(items.length)} columns`}
        </span>
        <Button size="small" variant="ghost" onClick={() => setOpen(allOpen ? new Set() : new Set(shown.map((item) => item.name)))} disabled={shown.length === 0}>
          {allOpen ? 'Collapse all' : 'Expand all'}
        </Button>
      </div>
      {shown.length === 0 && <div className={styles.none}>No column matches “{query}”.</div>}
      {shown.map((item) => {
        const expanded = open.has(item.name)
        const column = columnOf(item)
        return (
          <div key={item.name} className={styles.disclosure}>
            <button type="button" className={styles.disclosureButton} aria-expanded={expanded} onClick={() => toggle(item.name)}>
              <span className={cx(styles.chevron, expanded && styles.chevronOpen)} aria-hidden>
                ▸
              </span>
              <span className={styles.disclosureName}>{column}</span>
              <DriftNote column={column} values={values} />
            </button>
            {expanded && <DistributionChart item={item} />}
          </div>
        )
      })}
    </div>
  )
}
