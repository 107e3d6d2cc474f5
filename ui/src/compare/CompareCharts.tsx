/**
 * One chart per chosen metric, one line per run in the run's colour. Histories are fetched per run at
 * about two points per pixel, only for charts on screen, and polled while a run is running. Zooming
 * into part of the series fetches that range of every run in full detail.
 */
import { useQueries, type UseQueryResult } from '@tanstack/react-query'
import { useMemo, useRef } from 'react'

import type { components } from '../api/schema'
import { ChartControls } from '../charts/ChartControls'
import { LineChart, type LineSeries } from '../charts/LineChart'
import { useChartSettings, type ChartSettings } from '../charts/settings'
import { pointsForWidth, toPoints } from '../charts/transforms'
import { useElementWidth } from '../charts/useElementWidth'
import { useInView } from '../charts/useInView'
import { metricHistoryQuery } from '../run/api'
import { splitMetricKeys } from '../run/runTags'
import { useZoomDetail } from '../run/zoomDetail'
import { isLive } from '../runs/live'
import { EmptyState, ErrorState, Spinner } from '../ui/State'
import styles from './Compare.module.css'
import type { ComparedRun } from './ComparePage'
import { Picker } from './Picker'
import { toggled } from './runIds'
import { useUrlList } from './urlState'

type MetricHistory = components['schemas']['MetricHistory']

/** Charts drawn when the URL names none. */
const DEFAULT_CHARTS = 6

export function CompareCharts({ runs }: { runs: ComparedRun[] }) {
  const [settings, setSettings] = useChartSettings()
  const keys = useMemo(() => {
    const all = new Set<string>()
    for (const { run } of runs) for (const key of Object.keys(run.metrics ?? {})) all.add(key)
    const { model, system } = splitMetricKeys(all)
    return [...model, ...system]
  }, [runs])
  const [chosenInUrl, setChosen] = useUrlList('key')
  const chosen = (chosenInUrl ?? splitMetricKeys(keys).model.slice(0, DEFAULT_CHARTS)).filter((key) => keys.includes(key))

  if (keys.length === 0) return <EmptyState title="No metrics to chart">None of these runs has logged a metric.</EmptyState>
  return (
    <div className={styles.chartsView}>
      <div className={styles.chartsToolbar}>
        <Picker label="Metrics" options={keys} chosen={chosen} onToggle={(key) => setChosen(toggled(chosen, key))} onSet={setChosen} />
        <ChartControls settings={settings} onChange={setSettings} />
      </div>
      {chosen.length === 0 ? (
        <EmptyState title="No metric chosen">Pick metrics to chart with the Metrics button.</EmptyState>
      ) : (
        <div className={styles.chartGrid}>
          {chosen.map((key) => (
            <CompareChart key={key} metricKey={key} runs={runs} settings={settings} />
          ))}
        </div>
      )}
    </div>
  )
}

/** Module-level, so useQueries keeps its result (and the histories array) stable between renders. */
function combineHistories(results: UseQueryResult<MetricHistory>[]) {
  const failed = results.find((result) => result.isError)
  return {
    histories: results.map((result) => result.data),
    failed: failed ? { error: failed.error, refetch: failed.refetch } : undefined,
    fetching: results.some((result) => result.isFetching),
    loaded: results.every((result) => result.data !== undefined),
  }
}

function CompareChart({ metricKey, runs, settings }: { metricKey: string; runs: ComparedRun[]; settings: ChartSettings }) {
  const box = useRef<HTMLDivElement>(null)
  const width = useElementWidth(box)
  const inView = useInView(box)
  const maxPoints = pointsForWidth(width)
  const having = useMemo(() => runs.filter(({ run }) => run.metrics?.[metricKey] !== undefined), [runs, metricKey])
  const results = useQueries({
    queries: having.map(({ run }) => ({
      ...metricHistoryQuery(run.run_id, metricKey, maxPoints, isLive(run) && inView),
      enabled: inView && width > 0,
    })),
    combine: combineHistories,
  })
  const { histories, failed, fetching, loaded } = results
  const sources = useMemo(
    () =>
      having.map(({ run }, index) => ({
        runId: run.run_id,
        origin: run.start_time,
        live: isLive(run) && inView,
        overview: histories[index],
      })),
    [having, histories, inView],
  )
  const zoom = useZoomDetail(metricKey, sources, settings.xMode, width, inView)
  const drawn = zoom.histories
  const series = useMemo<LineSeries[]>(
    () =>
      having.flatMap(({ run, color }, index) => {
        const history = drawn[index]
        if (!history) return []
        return [{ id: run.run_id, label: run.run_name || run.run_id.slice(0, 12), color, points: toPoints(history, settings.xMode, run.start_time) }]
      }),
    [having, drawn, settings.xMode],
  )
  return (
    <figure className={styles.chartPanel} aria-label={metricKey}>
      <figcaption className={styles.chartCaption}>
        <span className="mono">{metricKey}</span>
        <span className="faint">
          {having.length} of {runs.length} runs
        </span>
        {(fetching || zoom.fetching) && <Spinner label={`Loading ${metricKey}`} />}
      </figcaption>
      <div ref={box} style={{ minHeight: 240 }}>
        {failed && !loaded ? (
          <ErrorState error={failed.error} title={`Could not load ${metricKey}`} onRetry={() => void failed.refetch()} />
        ) : loaded ? (
          <LineChart
            series={series}
            xMode={settings.xMode}
            logY={settings.logY}
            smoothing={settings.smoothing}
            height={240}
            syncKey="compare"
            label={`${metricKey} of ${having.length} runs`}
            onZoom={zoom.onZoom}
          />
        ) : null}
      </div>
    </figure>
  )
}
