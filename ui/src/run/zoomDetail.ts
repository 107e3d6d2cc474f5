/**
 * Detail on zoom for one metric's chart (one run's line, or one per run): the chart reports its zoom,
 * which settles for a moment before the zoomed step range is requested at full resolution (one request
 * per chart, cached by each run's range bucket; a newer zoom cancels an older request), and each run's
 * overview gets the detail merged in. Until the new range arrives the previous detail stays drawn;
 * double-click reset returns to the overview at once.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useState } from 'react'

import type { components } from '../api/schema'
import type { RawSeries, XMode } from '../charts/transforms'
import {
  DETAIL_DEBOUNCE_MS,
  detailRequest,
  mergeDetail,
  sameRange,
  visibleSteps,
  type DetailRequest,
  type XRange,
} from '../charts/zoom'
import { metricRangesQuery } from './api'

type MetricHistory = components['schemas']['MetricHistory']

export interface ZoomSource {
  runId: string
  /** Where relative time starts (ms), as given to `toPoints`. */
  origin?: number
  live: boolean
  /** The reduced history of the whole series, once loaded. */
  overview: MetricHistory | undefined
}

/** The zoom, once it has stayed put for `DETAIL_DEBOUNCE_MS`; null (not zoomed) straight away. */
function useSettled(range: XRange | null): XRange | null {
  const [settled, setSettled] = useState<XRange | null>(null)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(range), range === null ? 0 : DETAIL_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [range])
  return range === null ? null : settled
}

/**
 * `sources` should be memoized by the caller. Returns each source's history to draw (the overview,
 * with detail inside the zoomed range once loaded), whether detail is loading, and the `onZoom` to
 * hand to the chart.
 */
export function useZoomDetail(metricKey: string, sources: readonly ZoomSource[], xMode: XMode, width: number, enabled: boolean) {
  const [zoom, setZoom] = useState<{ xMode: XMode; range: XRange } | null>(null)
  const onZoom = useCallback(
    (range: XRange | null) =>
      setZoom((current) => {
        if (range === null) return null
        if (current?.xMode === xMode && sameRange(current.range, range)) return current
        return { xMode, range }
      }),
    [xMode],
  )
  // A zoom on another x axis (the chart is being rebuilt for the new one) is no zoom.
  const range = zoom?.xMode === xMode ? zoom.range : null
  const settled = useSettled(range)

  const ranges = useMemo(() => {
    const out: { runId: string; request: DetailRequest; live: boolean }[] = []
    if (!settled) return out
    for (const { runId, overview, origin, live } of sources) {
      if (!overview) continue
      const steps = visibleSteps(overview, xMode, settled, origin)
      const request = steps && detailRequest(steps, overview.steps, width)
      if (!request) continue
      // Only a range that reaches the series' end can grow while the run is running.
      const last = overview.steps[overview.steps.length - 1] ?? 0
      out.push({ runId, request, live: live && request.maxStep >= last })
    }
    return out
  }, [sources, settled, xMode, width])

  const query = useQuery({
    ...metricRangesQuery(metricKey, ranges, { enabled, live: ranges.some((entry) => entry.live) }),
    placeholderData: keepPreviousData,
  })

  const details = settled ? query.data : undefined
  const histories = useMemo<(RawSeries | undefined)[]>(
    () =>
      sources.map(({ runId, overview }) => {
        const detail = details?.find((entry) => entry.runId === runId)
        return overview && detail ? mergeDetail(overview, detail.history, detail.request) : overview
      }),
    [sources, details],
  )
  return { histories, fetching: settled !== null && query.isFetching, onZoom }
}
