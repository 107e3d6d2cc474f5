/** One metric of a report: its figures, what it could not compute, its tables, charts and distributions. */
import { Link } from 'react-router'

import { KeyValueTable } from '../ui/KeyValueTable'
import { CurveChart } from './CurveChart'
import { DataTable } from './DataTable'
import { Distributions } from './Distributions'
import type { MetricResult } from './document'
import styles from './Items.module.css'
import { MatrixGrid } from './MatrixGrid'
import { NotComputedBox } from './NotComputedBox'
import { groupItems } from './tables'
import { ValueCards } from './ValueCards'

function settingEntries(settings: Record<string, unknown>): [string, string][] {
  return Object.entries(settings)
    .filter(([key]) => key !== 'type')
    .map(([key, value]) => [key, value === null ? 'default' : typeof value === 'string' ? value : JSON.stringify(value)])
}

export function MetricSection({ metric, anchor }: { metric: MetricResult; anchor: string }) {
  const groups = groupItems(metric.items)
  const settings = settingEntries(metric.settings)
  return (
    <section id={anchor} className={styles.metric} aria-labelledby={`${anchor}-title`}>
      <header className={styles.metricHeader}>
        <h2 id={`${anchor}-title`}>
          <Link to={{ hash: anchor }} className={styles.anchorLink}>
            {metric.title || metric.metric}
          </Link>
        </h2>
        <span className={styles.metricType}>{metric.metric}</span>
      </header>
      {settings.length > 0 && (
        <details className={styles.settings}>
          <summary>Settings</summary>
          <KeyValueTable entries={settings} label={`${metric.title} settings`} />
        </details>
      )}
      {groups.values.length > 0 && <ValueCards items={groups.values} />}
      {groups.missing.map((item) => (
        <NotComputedBox key={item.name} item={item} />
      ))}
      {groups.tables.map((item) => (
        <DataTable key={item.name} item={item} />
      ))}
      {groups.charts.length > 0 && (
        <div className={styles.chartGrid}>
          {groups.charts.map((item) => (item.kind === 'curve' ? <CurveChart key={item.name} item={item} /> : <MatrixGrid key={item.name} item={item} />))}
        </div>
      )}
      {groups.distributions.length > 0 && (
        <div className={styles.subsection}>
          <h3>Distributions</h3>
          <Distributions items={groups.distributions} values={metric.values} />
        </div>
      )}
      {metric.items.length === 0 && <div className={styles.none}>This metric shows no items.</div>}
    </section>
  )
}
