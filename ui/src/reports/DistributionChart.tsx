/** Distribution items: reference and current shares side by side in each bin (ranges) or category (labels). */
import { useMemo } from 'react'

import { barScale, distributionBars, formatEdge, niceTicks } from './chartData'
import type { DistributionItem } from './document'
import { formatPercent } from './format'
import styles from './Items.module.css'

const WIDTH = 560
const HEIGHT = 210
const LEFT = 44
const RIGHT = 8
const TOP = 8
const BOTTOM = 30
/** About this many x labels at most, so they never overlap. */
const LABELS = 8

function shorten(label: string, room: number): string {
  const chars = Math.max(3, Math.floor(room / 6.2))
  return label.length > chars ? `${label.slice(0, chars - 1)}…` : label
}

export function Legend({ entries }: { entries: readonly { name: string; color: string; dashed?: boolean }[] }) {
  return (
    <div className={styles.legend}>
      {entries.map((entry) => (
        <span key={entry.name} className={styles.legendEntry}>
          <span className={styles.swatch} style={{ background: entry.color }} />
          {entry.name}
        </span>
      ))}
    </div>
  )
}

export function DistributionChart({ item }: { item: DistributionItem }) {
  const bars = useMemo(() => distributionBars(item), [item])
  const top = barScale(bars)
  const ticks = niceTicks([0, top], 4).filter((tick) => tick <= top * 1.0001)
  const plotWidth = WIDTH - LEFT - RIGHT
  const plotHeight = HEIGHT - TOP - BOTTOM
  const slot = plotWidth / Math.max(1, bars.length)
  const barWidth = Math.max(1, Math.min(28, slot * 0.38))
  const step = Math.max(1, Math.ceil(bars.length / LABELS))
  const y = (share: number) => TOP + plotHeight - (Math.max(0, share) / top) * plotHeight
  const title = item.title || item.name

  return (
    <figure className={styles.chart} data-kind="distribution">
      <Legend
        entries={[
          { name: 'reference', color: 'var(--report-reference)' },
          { name: 'current', color: 'var(--report-current)' },
        ]}
      />
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className={styles.svg} role="img" aria-label={`${title}: reference and current shares over ${bars.length} ${item.numeric ? 'bins' : 'categories'}`}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(tick)} y2={y(tick)} className={styles.grid} />
            <text x={LEFT - 6} y={y(tick) + 3.5} className={styles.tick} textAnchor="end">
              {formatPercent(tick)}
            </text>
          </g>
        ))}
        {bars.map((bar, index) => {
          const x = LEFT + index * slot
          const centre = x + slot / 2
          return (
            <g key={index} className={styles.barGroup}>
              <title>{`${bar.label}\nreference ${formatPercent(bar.reference)}\ncurrent ${formatPercent(bar.current)}`}</title>
              <rect x={x} y={TOP} width={slot} height={plotHeight} className={styles.hoverBand} />
              <rect x={centre - barWidth - 0.5} y={y(bar.reference)} width={barWidth} height={TOP + plotHeight - y(bar.reference)} className={styles.referenceBar} />
              <rect x={centre + 0.5} y={y(bar.current)} width={barWidth} height={TOP + plotHeight - y(bar.current)} className={styles.currentBar} />
            </g>
          )
        })}
        <line x1={LEFT} x2={WIDTH - RIGHT} y1={TOP + plotHeight} y2={TOP + plotHeight} className={styles.axis} />
        {item.numeric && item.bins.length === bars.length + 1
          ? item.bins.map((edge, index) =>
              (index % step === 0 && bars.length - index >= step) || index === bars.length ? (
                <text key={index} x={LEFT + index * slot} y={HEIGHT - 12} className={styles.tick} textAnchor="middle">
                  {formatEdge(edge)}
                </text>
              ) : null,
            )
          : bars.map((bar, index) =>
              index % step === 0 ? (
                <text key={index} x={LEFT + index * slot + slot / 2} y={HEIGHT - 12} className={styles.tick} textAnchor="middle">
                  {shorten(bar.label, slot * step)}
                </text>
              ) : null,
            )}
      </svg>
    </figure>
  )
}
