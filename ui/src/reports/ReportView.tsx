/**
 * A whole report document: what was compared, the suite's tests first, then every metric as a section
 * with its own anchor (`#metric-DataDrift`), reachable from the contents list and by deep link.
 */
import { useEffect, useMemo, type ReactNode } from 'react'
import { Link, useLocation } from 'react-router'

import { cx } from '../ui/cx'
import { formatCount, plural } from '../ui/format'
import { SuiteCounts, VerdictBadge } from './Badge'
import { figureOf, reportOf, type ReportDocument } from './document'
import { formatScalar } from './format'
import styles from './Report.module.css'
import { MetricSection } from './MetricSection'
import { SuiteTests, TESTS_ANCHOR } from './SuiteTests'
import { metricAnchors } from './tables'

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={styles.fact}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  )
}

/** Rows, columns, roles and the headline verdicts of a document. */
export function DocumentFacts({ document }: { document: ReportDocument }) {
  const report = reportOf(document)
  const drift = figureOf(report, 'dataset_drift')
  const share = figureOf(report, 'share_of_drifted_columns')
  const drifted = figureOf(report, 'number_of_drifted_columns')
  const columns = Object.keys(report.columns).length
  return (
    <dl className={styles.facts}>
      {document.kind === 'suite' && (
        <Fact label="tests">
          <SuiteCounts summary={document.summary} />
        </Fact>
      )}
      <Fact label="rows compared">
        {formatCount(report.reference_rows)} reference · {formatCount(report.current_rows)} current
      </Fact>
      <Fact label="columns">{formatCount(columns)}</Fact>
      {typeof drift === 'boolean' && (
        <Fact label="dataset drift">
          <VerdictBadge verdict={drift ? { tone: 'danger', label: 'Yes' } : { tone: 'ok', label: 'No' }} />
          {typeof share === 'number' && (
            <span className="muted">
              {' '}
              {formatScalar(share, 'share_of_drifted_columns')} of columns{typeof drifted === 'number' ? ` (${plural(drifted, 'column')})` : ''}
            </span>
          )}
        </Fact>
      )}
      {report.target && <Fact label="target">{report.target}</Fact>}
      {report.prediction && report.prediction.length > 0 && <Fact label="prediction">{report.prediction.join(', ')}</Fact>}
      {report.task && <Fact label="task">{report.task}</Fact>}
    </dl>
  )
}

/** Scroll to the section the URL's hash names, on arrival and whenever the hash changes. */
function useHashScroll(ready: boolean) {
  const { hash } = useLocation()
  useEffect(() => {
    if (!ready || hash.length < 2) return
    const target = document.getElementById(decodeURIComponent(hash.slice(1)))
    target?.scrollIntoView({ block: 'start' })
  }, [hash, ready])
  return hash.slice(1)
}

export function ReportView({ document: doc }: { document: ReportDocument }) {
  const report = reportOf(doc)
  const anchors = useMemo(() => metricAnchors(report.metrics), [report.metrics])
  const current = useHashScroll(true)
  const contents = [
    ...(doc.kind === 'suite' ? [{ anchor: TESTS_ANCHOR, title: 'Tests' }] : []),
    ...report.metrics.map((metric, index) => ({ anchor: anchors[index] ?? '', title: metric.title || metric.metric })),
  ]

  return (
    <div className={styles.layout}>
      <nav className={styles.contents} aria-label="Sections">
        <div className={styles.contentsTitle}>Contents</div>
        {contents.map((entry) => (
          <Link key={entry.anchor} to={{ hash: entry.anchor }} className={cx(styles.contentsLink, current === entry.anchor && styles.contentsActive)}>
            {entry.title}
          </Link>
        ))}
      </nav>
      <div className={styles.sections}>
        {doc.kind === 'suite' && <SuiteTests suite={doc} />}
        {report.metrics.map((metric, index) => (
          <MetricSection key={anchors[index]} metric={metric} anchor={anchors[index] ?? ''} />
        ))}
      </div>
    </div>
  )
}
