/** Any two params or metrics against each other (SVG), one point per run in its colour. */
import { useMemo, useRef, useState } from 'react'

import { useElementWidth } from '../charts/useElementWidth'
import { cx } from '../ui/cx'
import { EmptyState } from '../ui/State'
import { compareColumns, type Column } from './columns'
import styles from './Compare.module.css'
import type { ComparedRun } from './ComparePage'
import { RunLegend, shorten } from './ParallelCoordinates'
import { axisFor } from './scales'
import { useUrlValue } from './urlState'

const HEIGHT = 440
const MARGIN = { top: 16, bottom: 48, left: 72, right: 24 }

/** The default pair: the first param that differs (else any param) against the first metric. */
function defaults(columns: readonly Column[]): [string | undefined, string | undefined] {
  const params = columns.filter((column) => column.kind === 'param')
  const metrics = columns.filter((column) => column.kind === 'metric' && !column.key.startsWith('system/'))
  const x = params.find((column) => new Set(column.values.map(String)).size > 1) ?? params[0] ?? columns[0]
  const y = metrics.find((column) => column !== x) ?? columns.find((column) => column !== x)
  return [x?.id, y?.id]
}

export function ScatterPlot({ runs }: { runs: ComparedRun[] }) {
  const columns = useMemo(() => compareColumns(runs.map(({ run }) => run)), [runs])
  const [xInUrl, setX] = useUrlValue('sx')
  const [yInUrl, setY] = useUrlValue('sy')
  const [xDefault, yDefault] = defaults(columns)
  const xColumn = columns.find((column) => column.id === (xInUrl ?? xDefault))
  const yColumn = columns.find((column) => column.id === (yInUrl ?? yDefault))
  const [focused, setFocused] = useState<string | null>(null)
  const box = useRef<HTMLDivElement>(null)
  const width = Math.max(useElementWidth(box), 320)

  if (columns.length === 0) return <EmptyState title="Nothing to plot">These runs have no params or metrics.</EmptyState>
  const choose = (label: string, value: Column | undefined, set: (id: string) => void) => (
    <label className={styles.select}>
      {label}
      <select value={value?.id ?? ''} onChange={(event) => set(event.target.value)}>
        {!value && <option value="">Choose…</option>}
        {columns.map((column) => (
          <option key={column.id} value={column.id}>
            {column.id}
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <div className={styles.plotView}>
      <div className="toolbar">
        {choose('X', xColumn, setX)}
        {choose('Y', yColumn, setY)}
      </div>
      <div ref={box} className={styles.plotBox}>
        {xColumn && yColumn ? (
          <Plot runs={runs} x={xColumn} y={yColumn} width={width} focused={focused} />
        ) : (
          <EmptyState title="Choose two columns" />
        )}
      </div>
      <RunLegend runs={runs} focused={focused} onFocus={setFocused} />
    </div>
  )
}

function Plot({ runs, x, y, width, focused }: { runs: ComparedRun[]; x: Column; y: Column; width: number; focused: string | null }) {
  const xAxis = axisFor(x, MARGIN.left, width - MARGIN.right, Math.max(3, Math.floor(width / 110)), 0.05)
  const yAxis = axisFor(y, HEIGHT - MARGIN.bottom, MARGIN.top, 6, 0.05)
  const points = runs.flatMap(({ run, color }, index) => {
    const cx0 = xAxis.position(x.values[index] ?? null)
    const cy0 = yAxis.position(y.values[index] ?? null)
    if (cx0 === null || cy0 === null) return []
    const name = run.run_name || run.run_id.slice(0, 12)
    return [{ id: run.run_id, name, color, cx: cx0, cy: cy0, x: x.values[index], y: y.values[index] }]
  })
  const missing = runs.length - points.length
  const bottom = HEIGHT - MARGIN.bottom
  return (
    <>
      <svg className={styles.svg} width={width} height={HEIGHT} role="img" aria-label={`${y.id} against ${x.id}`}>
        {xAxis.ticks.map((tick) => (
          <g key={`x-${tick.label}-${tick.position}`} transform={`translate(${tick.position},0)`}>
            <line className={styles.gridLine} y1={MARGIN.top} y2={bottom} />
            <text className={styles.tickLabel} y={bottom + 16} textAnchor="middle">
              {shorten(tick.label, 14)}
            </text>
          </g>
        ))}
        {yAxis.ticks.map((tick) => (
          <g key={`y-${tick.label}-${tick.position}`} transform={`translate(0,${tick.position})`}>
            <line className={styles.gridLine} x1={MARGIN.left} x2={width - MARGIN.right} />
            <text className={styles.tickLabel} x={MARGIN.left - 8} dy="0.32em" textAnchor="end">
              {shorten(tick.label, 10)}
            </text>
          </g>
        ))}
        <line className={styles.axisLine} x1={MARGIN.left} x2={width - MARGIN.right} y1={bottom} y2={bottom} />
        <line className={styles.axisLine} x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={bottom} />
        <text className={styles.axisTitle} x={(MARGIN.left + width - MARGIN.right) / 2} y={HEIGHT - 8} textAnchor="middle">
          {x.id}
        </text>
        <text className={styles.axisTitle} transform={`translate(14,${(MARGIN.top + bottom) / 2}) rotate(-90)`} textAnchor="middle">
          {y.id}
        </text>
        {points.map((point) => (
          <circle
            key={point.id}
            cx={point.cx}
            cy={point.cy}
            r={focused === point.id ? 8 : 6}
            fill={point.color}
            className={cx(styles.point, focused !== null && focused !== point.id && styles.lineDimmed)}
          >
            <title>{`${point.name}\n${x.id} = ${String(point.x)}\n${y.id} = ${String(point.y)}`}</title>
          </circle>
        ))}
      </svg>
      {missing > 0 && <div className="faint">{missing} of {runs.length} runs lack one of the two values and are not drawn.</div>}
    </>
  )
}
