/**
 * A grid of metric charts for one run (the model's metrics, or the machine's `system/*` ones).
 * Each chart fetches its history at about two points per pixel, only once on screen, and polls while
 * the run is running; the cursor moves across all charts together. Zooming into part of a long series
 * fetches that range in full detail.
 */
import { useMemo, useRef, useState } from 'react'

import type { Run } from '../api/types'
import { ChartControls } from '../charts/ChartControls'
import { LineChart } from '../charts/LineChart'
import { seriesColor } from '../charts/palette'
import { useChartSettings, type ChartSettings } from '../charts/settings'
import { pointsForWidth, toPoints } from '../charts/transforms'
import { useElementWidth } from '../charts/useElementWidth'
import { useInView } from '../charts/useInView'
import { Button } from '../ui/Button'
import { cx } from '../ui/cx'
import { formatMetric, plural } from '../ui/format'
import { EmptyState, ErrorState, Spinner } from '../ui/State'
import { isLive } from '../runs/live'
import { useMetricHistory } from './api'
import styles from './Metrics.module.css'
import { useZoomDetail } from './zoomDetail'

export function MetricsTab({ run, keys, empty, hint }: { run: Run; keys: string[]; empty: string; hint: string }) {
  const [settings, setSettings] = useChartSettings()
  const [filter, setFilter] = useState('')
  const [expanded, setExpanded] = useState<string | null>(null)
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase()
    return needle ? keys.filter((key) => key.toLowerCase().includes(needle)) : keys
  }, [keys, filter])

  if (keys.length === 0) {
    return (
      <EmptyState title={empty}>
        Log one from Python: <code>{hint}</code>
      </EmptyState>
    )
  }
  return (
    <div className={styles.tab}>
      <div className={styles.toolbar}>
        <input
          type="search"
          placeholder={`Filter ${plural(keys.length, 'metric')}`}
          aria-label="Filter metrics"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          className={styles.filter}
        />
        <ChartControls settings={settings} onChange={setSettings} />
      </div>
      {shown.length === 0 ? (
        <EmptyState title="No metric matches the filter" />
      ) : (
        <div className={styles.grid}>
          {shown.map((key) => (
            <MetricPanel
              key={key}
              run={run}
              metricKey={key}
              settings={settings}
              expanded={expanded === key}
              onExpand={() => setExpanded(expanded === key ? null : key)}
            />
          ))}
        </div>
      )}
    </div>
  )
}

function MetricPanel({ run, metricKey, settings, expanded, onExpand }: {
  run: Run
  metricKey: string
  settings: ChartSettings
  expanded: boolean
  onExpand: () => void
}) {
  const box = useRef<HTMLDivElement>(null)
  const width = useElementWidth(box)
  const inView = useInView(box)
  const maxPoints = pointsForWidth(width)
  const live = isLive(run) && inView
  const history = useMetricHistory(run.run_id, metricKey, maxPoints, { live, enabled: inView && width > 0 })
  const data = history.data
  const sources = useMemo(
    () => [{ runId: run.run_id, origin: run.start_time, live, overview: data }],
    [run.run_id, run.start_time, live, data],
  )
  const zoom = useZoomDetail(metricKey, sources, settings.xMode, width, inView)
  const drawn = zoom.histories[0]
  const series = useMemo(
    () =>
      drawn
        ? [{ id: metricKey, label: metricKey, color: seriesColor(0), points: toPoints(drawn, settings.xMode, run.start_time) }]
        : [],
    [drawn, metricKey, settings.xMode, run.start_time],
  )
  const height = expanded ? 420 : 220
  return (
    <figure className={cx(styles.panel, expanded && styles.expanded)} aria-label={metricKey}>
      <figcaption className={styles.caption}>
        <span className={styles.key} title={metricKey}>
          {metricKey}
        </span>
        <span className={styles.latest} title="Latest value">
          {formatMetric(run.metrics?.[metricKey])}
        </span>
        {(history.isFetching || zoom.fetching) && <Spinner label={`Loading ${metricKey}`} />}
        <Button size="small" variant="ghost" onClick={onExpand} aria-pressed={expanded} title={expanded ? 'Shrink' : 'Expand'}>
          {expanded ? 'Shrink' : 'Expand'}
        </Button>
      </figcaption>
      <div ref={box} className={styles.plot} style={{ minHeight: height }}>
        {history.isError && !data ? (
          <ErrorState error={history.error} title={`Could not load ${metricKey}`} onRetry={() => void history.refetch()} />
        ) : data ? (
          <LineChart
            series={series}
            xMode={settings.xMode}
            logY={settings.logY}
            smoothing={settings.smoothing}
            height={height}
            syncKey={`run-${run.run_id}`}
            label={`${metricKey} by ${settings.xMode}`}
            onZoom={zoom.onZoom}
          />
        ) : null}
      </div>
    </figure>
  )
}
