/**
 * Parallel coordinates (SVG): one vertical axis per chosen param or metric, one line per run in its
 * colour. Numeric columns get a linear axis, text ones a slot per category. Hovering or focusing a run
 * in the legend brings its line forward.
 */
import { useMemo, useRef, useState } from 'react'

import { useElementWidth } from '../charts/useElementWidth'
import { cx } from '../ui/cx'
import { EmptyState } from '../ui/State'
import { compareColumns, defaultAxes, pickColumns, type Column } from './columns'
import styles from './Compare.module.css'
import type { ComparedRun } from './ComparePage'
import { Picker } from './Picker'
import { toggled } from './runIds'
import { axisFor, type Axis } from './scales'
import { useUrlList } from './urlState'

const HEIGHT = 420
const MARGIN = { top: 44, bottom: 24, left: 56, right: 72 }

export function ParallelCoordinates({ runs }: { runs: ComparedRun[] }) {
  const columns = useMemo(() => compareColumns(runs.map(({ run }) => run)), [runs])
  const [inUrl, setAxes] = useUrlList('axis')
  const chosen = pickColumns(columns, inUrl ?? defaultAxes(columns))
  const ids = chosen.map((column) => column.id)
  const [focused, setFocused] = useState<string | null>(null)
  const box = useRef<HTMLDivElement>(null)
  const width = Math.max(useElementWidth(box), 320)

  if (columns.length === 0) return <EmptyState title="Nothing to plot">These runs have no params or metrics.</EmptyState>
  return (
    <div className={styles.plotView}>
      <div className="toolbar">
        <Picker
          label="Axes"
          options={columns.map((column) => column.id)}
          chosen={ids}
          onToggle={(id) => setAxes(toggled(ids, id))}
          onSet={setAxes}
        />
        <span className="faint">Numeric columns get a scale; text columns one slot per value.</span>
      </div>
      <div ref={box} className={styles.plotBox}>
        {chosen.length < 2 ? (
          <EmptyState title="Choose at least two axes">Pick params and metrics with the Axes button.</EmptyState>
        ) : (
          <Plot runs={runs} columns={chosen} width={width} focused={focused} />
        )}
      </div>
      <RunLegend runs={runs} focused={focused} onFocus={setFocused} />
    </div>
  )
}

function Plot({ runs, columns, width, focused }: { runs: ComparedRun[]; columns: Column[]; width: number; focused: string | null }) {
  const inner = width - MARGIN.left - MARGIN.right
  const step = inner / Math.max(1, columns.length - 1)
  const axes: Axis[] = columns.map((column) => axisFor(column, HEIGHT - MARGIN.bottom, MARGIN.top, 6))
  const xOf = (index: number) => MARGIN.left + index * step
  const lines = runs.map(({ run, color }, runIndex) => {
    let path = ''
    let pen = false
    axes.forEach((axis, index) => {
      const y = axis.position(axis.column.values[runIndex] ?? null)
      if (y === null) {
        pen = false
        return
      }
      path += `${pen ? 'L' : 'M'}${xOf(index).toFixed(1)},${y.toFixed(1)}`
      pen = true
    })
    return { id: run.run_id, name: run.run_name || run.run_id.slice(0, 12), color, path }
  })
  const ordered = focused ? [...lines.filter((line) => line.id !== focused), ...lines.filter((line) => line.id === focused)] : lines
  return (
    <svg className={styles.svg} width={width} height={HEIGHT} role="img" aria-label={`Parallel coordinates of ${columns.map((c) => c.id).join(', ')}`}>
      {axes.map((axis, index) => (
        <g key={axis.column.id} transform={`translate(${xOf(index)},0)`}>
          <line className={styles.axisLine} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />
          <text className={styles.axisTitle} y={MARGIN.top - 22} textAnchor="middle">
            <title>{axis.column.id}</title>
            {shorten(axis.column.key, Math.max(8, Math.floor(step / 7)))}
          </text>
          <text className={styles.axisKind} y={MARGIN.top - 9} textAnchor="middle">
            {axis.column.kind}
          </text>
          {axis.ticks.map((tick) => (
            <g key={`${tick.label}-${tick.position}`} transform={`translate(0,${tick.position})`}>
              <line className={styles.tickLine} x1={-4} x2={0} />
              <text className={styles.tickLabel} x={-7} dy="0.32em" textAnchor="end">
                {shorten(tick.label, 12)}
              </text>
            </g>
          ))}
        </g>
      ))}
      {ordered.map((line) => (
        <path
          key={line.id}
          d={line.path}
          className={cx(styles.runLine, focused !== null && (focused === line.id ? styles.lineFocused : styles.lineDimmed))}
          stroke={line.color}
        >
          <title>{line.name}</title>
        </path>
      ))}
    </svg>
  )
}

export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`
}

export function RunLegend({ runs, focused, onFocus }: {
  runs: ComparedRun[]
  focused: string | null
  onFocus: (runId: string | null) => void
}) {
  return (
    <ul className={styles.plotLegend} aria-label="Highlight a run">
      {runs.map(({ run, color }) => (
        <li key={run.run_id}>
          <button
            type="button"
            className={cx(styles.legendButton, focused === run.run_id && styles.legendActive)}
            aria-pressed={focused === run.run_id}
            onMouseEnter={() => onFocus(run.run_id)}
            onMouseLeave={() => onFocus(null)}
            onFocus={() => onFocus(run.run_id)}
            onBlur={() => onFocus(null)}
          >
            <span className={styles.swatch} style={{ background: color }} aria-hidden />
            {run.run_name || run.run_id.slice(0, 12)}
          </button>
        </li>
      ))}
    </ul>
  )
}
