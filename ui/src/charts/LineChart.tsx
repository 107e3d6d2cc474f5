/**
 * The one line chart of the UI, over uPlot (canvas; 100k+ points draw in milliseconds).
 * Several series on a step, wall-time or relative-time axis; linear or log y; drag to zoom on x,
 * double-click to reset; a tooltip with every series' value at the cursor; colours from the theme.
 * New data (a live run's next points, or detail for the zoomed range) redraws in place and keeps the zoom;
 * `onZoom` hears the visible x range after each zoom, and null once the chart shows everything again.
 */
import 'uplot/dist/uPlot.min.css'

import { useEffect, useMemo, useRef } from 'react'
import uPlot from 'uplot'

import { formatRelativeTick, formatTick, formatValue, formatX, X_AXIS_LABEL } from './axisFormat'
import styles from './Chart.module.css'
import { prepareSeries, type DrawnSeries, type LineSeries } from './prepare'
import { useChartTheme, type ChartTheme } from './theme'
import type { XMode } from './transforms'
import type { XRange } from './zoom'

export type { LineSeries } from './prepare'

/** A base-10 log y scale; uPlot names distribution 3 in a const enum, which isolated modules cannot read. */
const logScale = () => JSON.parse('{"distr": 3, "log": 10}') as uPlot.Scale

interface Props {
  series: readonly LineSeries[]
  xMode: XMode
  logY?: boolean
  /** EMA weight in [0, 1); 0 draws the values as logged. */
  smoothing?: number
  height?: number
  /** Charts with the same key move their cursors together. */
  syncKey?: string
  /** What the chart shows, for screen readers. */
  label: string
  /** Called with the visible x range when the person zooms in, and with null when it shows all again. */
  onZoom?: (range: XRange | null) => void
}

interface Structure {
  drawn: DrawnSeries[]
  xMode: XMode
  logY: boolean
  height: number
  syncKey: string | undefined
  theme: ChartTheme
}

export function LineChart({ series, xMode, logY = false, smoothing = 0, height = 220, syncKey, label, onZoom }: Props) {
  const theme = useChartTheme()
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const prepared = useMemo(() => prepareSeries(series, smoothing, logY), [series, smoothing, logY])
  const latest = useRef(prepared.data)
  const zoomed = useRef(onZoom)
  const drawnKey = JSON.stringify(prepared.drawn)
  const structure = useMemo<Structure>(
    () => ({ drawn: JSON.parse(drawnKey) as DrawnSeries[], xMode, logY, height, syncKey, theme }),
    [drawnKey, xMode, logY, height, syncKey, theme],
  )

  useEffect(() => {
    latest.current = prepared.data
    zoomed.current = onZoom
  })

  // Build the chart when its structure changes (series, axes, theme); data alone never rebuilds it.
  useEffect(() => {
    const element = box.current
    if (!element) return
    const report = (chart: uPlot) => {
      const { min, max } = chart.scales.x ?? {}
      zoomed.current?.(isZoomed(chart) && min !== undefined && max !== undefined ? { min, max } : null)
    }
    const chart = new uPlot(chartOptions(structure, element.clientWidth || 600, report), latest.current, element)
    plot.current = chart
    // A new chart starts unzoomed.
    report(chart)
    const observer = new ResizeObserver(() => {
      const width = element.clientWidth
      if (width > 0 && width !== chart.width) chart.setSize({ width, height: structure.height })
    })
    observer.observe(element)
    return () => {
      observer.disconnect()
      chart.destroy()
      plot.current = null
    }
  }, [structure])

  useEffect(() => {
    const chart = plot.current
    if (!chart || chart.data === prepared.data) return
    const { min, max } = chart.scales.x ?? {}
    if (!isZoomed(chart) || min === undefined || max === undefined) {
      chart.setData(prepared.data)
      return
    }
    // Keep the zoom: draw the new data on the same x range, with y fitted to what is now visible.
    chart.batch(() => {
      chart.setData(prepared.data, false)
      chart.setScale('x', { min, max })
    })
  }, [prepared.data])

  return (
    <div className={styles.chart} role="img" aria-label={label}>
      <div ref={box} className={styles.canvas} style={{ height }} />
      {prepared.empty && <div className={styles.empty}>No finite values{logY ? ' above zero' : ''} to draw.</div>}
    </div>
  )
}

/** Log axes hand over null for the ticks they leave unlabelled. */
function tickLabel(format: (value: number) => string) {
  return (value: number | null) => (value === null ? '' : format(value))
}

/** True while the x axis shows less than the whole data (the person zoomed in). */
function isZoomed(chart: uPlot): boolean {
  const xs = chart.data[0]
  const first = xs[0]
  const last = xs[xs.length - 1]
  const { min, max } = chart.scales.x ?? {}
  if (first === undefined || last === undefined || min === undefined || max === undefined) return false
  const slack = (last - first) * 1e-9
  return min > first + slack || max < last - slack
}

function chartOptions(structure: Structure, width: number, onScaleX: (chart: uPlot) => void): uPlot.Options {
  const { theme, xMode, logY } = structure
  const axis: uPlot.Axis = {
    stroke: theme.muted,
    font: '11px system-ui, sans-serif',
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1, size: 4 },
  }
  return {
    width,
    height: structure.height,
    legend: { show: false },
    padding: [10, 18, 0, 0],
    cursor: {
      drag: { x: true, y: false, setScale: true },
      sync: structure.syncKey ? { key: structure.syncKey } : undefined,
      points: { size: 6 },
    },
    select: { show: true, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      x: { time: xMode === 'wall' },
      y: logY ? logScale() : {},
    },
    axes: [
      {
        ...axis,
        label: X_AXIS_LABEL[xMode],
        size: 26,
        labelSize: 14,
        labelGap: 0,
        labelFont: '11px system-ui, sans-serif',
        ...(xMode === 'wall'
          ? {}
          : { values: (_: uPlot, ticks: (number | null)[]) => ticks.map(tickLabel(xMode === 'step' ? formatTick : formatRelativeTick)) }),
      },
      { ...axis, size: 52, values: (_: uPlot, ticks: (number | null)[]) => ticks.map(tickLabel(formatTick)) },
    ],
    series: [
      {},
      ...structure.drawn.map<uPlot.Series>((line) => ({
        label: line.label,
        stroke: line.color,
        width: line.raw ? 1 : 1.6,
        spanGaps: true,
        ...(line.raw ? { points: { show: false } } : {}),
      })),
    ],
    hooks: {
      setScale: [(chart, key) => key === 'x' && onScaleX(chart)],
    },
    plugins: [tooltip(structure)],
  }
}

/** A box beside the cursor listing each series' value there, highest first. */
function tooltip(structure: Structure): uPlot.Plugin {
  let box: HTMLDivElement | null = null
  const { drawn, xMode } = structure
  return {
    hooks: {
      init: (chart) => {
        box = document.createElement('div')
        box.className = styles.tooltip ?? ''
        box.style.display = 'none'
        chart.over.appendChild(box)
      },
      setCursor: (chart) => {
        if (!box) return
        const { idx, left, top } = chart.cursor
        // Charts that follow another's cursor (sync) get no event: they show the crosshair, not a tooltip.
        const here = (chart.cursor.event as MouseEvent | null | undefined) != null
        if (!here || idx === null || idx === undefined || left === undefined || left < 0 || top === undefined) {
          box.style.display = 'none'
          return
        }
        const rows: { label: string; color: string; value: number | null; raw: number | null }[] = []
        drawn.forEach((line, column) => {
          if (line.raw) return
          const value = chart.data[column + 1]?.[idx] ?? null
          const before = drawn[column - 1]
          const raw = before?.raw && before.label === line.label ? (chart.data[column]?.[idx] ?? null) : null
          if (value !== null || drawn.length <= 2) rows.push({ label: line.label, color: line.color, value, raw })
        })
        if (rows.length === 0) {
          box.style.display = 'none'
          return
        }
        rows.sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity))
        fillTooltip(box, formatX(chart.data[0][idx] ?? 0, xMode), rows.slice(0, 20), rows.length)
        box.style.display = 'block'
        const flip = left > chart.over.clientWidth / 2
        box.style.left = flip ? '' : `${left + 14}px`
        box.style.right = flip ? `${chart.over.clientWidth - left + 14}px` : ''
        box.style.top = `${Math.max(0, Math.min(top, chart.over.clientHeight - box.offsetHeight))}px`
      },
    },
  }
}

function fillTooltip(
  box: HTMLDivElement,
  heading: string,
  rows: readonly { label: string; color: string; value: number | null; raw: number | null }[],
  total: number,
) {
  box.replaceChildren()
  const head = document.createElement('div')
  head.className = styles.tooltipHead ?? ''
  head.textContent = heading
  box.appendChild(head)
  for (const row of rows) {
    const line = document.createElement('div')
    line.className = styles.tooltipRow ?? ''
    const swatch = document.createElement('span')
    swatch.className = styles.swatch ?? ''
    swatch.style.background = row.color
    const name = document.createElement('span')
    name.className = styles.tooltipLabel ?? ''
    name.textContent = row.label
    const value = document.createElement('span')
    value.className = styles.tooltipValue ?? ''
    value.textContent = formatValue(row.value)
    line.append(swatch, name, value)
    if (row.raw !== null) {
      const raw = document.createElement('span')
      raw.className = styles.tooltipRaw ?? ''
      raw.textContent = formatValue(row.raw)
      line.append(raw)
    }
    box.appendChild(line)
  }
  if (total > rows.length) {
    const more = document.createElement('div')
    more.className = styles.tooltipHead ?? ''
    more.textContent = `and ${total - rows.length} more`
    box.appendChild(more)
  }
}
