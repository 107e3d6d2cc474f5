/** Curve items: one or more lines over shared axes (ROC, precision-recall, calibration). */
import { useMemo } from 'react'

import { formatEdge, curveGeometry, niceTicks } from './chartData'
import { Legend } from './DistributionChart'
import type { CurveItem } from './document'
import styles from './Items.module.css'

const WIDTH = 420
const HEIGHT = 300
const LEFT = 46
const RIGHT = 10
const TOP = 10
const BOTTOM = 40
const PLOT = { width: WIDTH - LEFT - RIGHT, height: HEIGHT - TOP - BOTTOM }

const PALETTE = ['var(--report-current)', 'var(--report-reference)', 'var(--warn)', 'var(--ok)', 'var(--danger)', 'var(--running)']

/** Current in the current colour, reference in the reference colour, any other line from the palette. */
export function lineColors(names: readonly string[]): string[] {
  let next = 2
  return names.map((name) => {
    if (/^current$/i.test(name)) return 'var(--report-current)'
    if (/^reference$/i.test(name)) return 'var(--report-reference)'
    const color = PALETTE[next % PALETTE.length] ?? 'var(--text)'
    next += 1
    return color
  })
}

export function CurveChart({ item }: { item: CurveItem }) {
  const geometry = useMemo(() => curveGeometry(item, PLOT), [item])
  const colors = lineColors(item.lines.map((line) => line.name))
  const sx = (value: number) => LEFT + ((value - geometry.x[0]) / (geometry.x[1] - geometry.x[0])) * PLOT.width
  const sy = (value: number) => TOP + PLOT.height - ((value - geometry.y[0]) / (geometry.y[1] - geometry.y[0])) * PLOT.height
  const title = item.title || item.name

  return (
    <figure className={styles.chart} data-kind="curve">
      <figcaption className={styles.chartTitle}>{title}</figcaption>
      <Legend entries={item.lines.map((line, index) => ({ name: line.name, color: colors[index] ?? 'var(--text)' }))} />
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className={styles.svg} role="img" aria-label={`${title}: ${item.y_label} against ${item.x_label}`}>
        {niceTicks(geometry.y, 5).map((tick) => (
          <g key={`y${tick}`}>
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={sy(tick)} y2={sy(tick)} className={styles.grid} />
            <text x={LEFT - 6} y={sy(tick) + 3.5} className={styles.tick} textAnchor="end">
              {formatEdge(tick)}
            </text>
          </g>
        ))}
        {niceTicks(geometry.x, 5).map((tick) => (
          <g key={`x${tick}`}>
            <line x1={sx(tick)} x2={sx(tick)} y1={TOP} y2={TOP + PLOT.height} className={styles.grid} />
            <text x={sx(tick)} y={TOP + PLOT.height + 14} className={styles.tick} textAnchor="middle">
              {formatEdge(tick)}
            </text>
          </g>
        ))}
        <rect x={LEFT} y={TOP} width={PLOT.width} height={PLOT.height} className={styles.frame} />
        {geometry.diagonal && <line x1={sx(0)} y1={sy(0)} x2={sx(1)} y2={sy(1)} className={styles.diagonal} />}
        <g transform={`translate(${LEFT} ${TOP})`}>
          {geometry.paths.map((path, index) => (
            <path key={`${path.name}-${index}`} d={path.d} className={styles.line} style={{ stroke: colors[index] }}>
              <title>{path.name}</title>
            </path>
          ))}
        </g>
        <text x={LEFT + PLOT.width / 2} y={HEIGHT - 6} className={styles.axisLabel} textAnchor="middle">
          {item.x_label}
        </text>
        <text x={12} y={TOP + PLOT.height / 2} className={styles.axisLabel} textAnchor="middle" transform={`rotate(-90 12 ${TOP + PLOT.height / 2})`}>
          {item.y_label}
        </text>
      </svg>
    </figure>
  )
}
