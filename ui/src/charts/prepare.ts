/** Turn the series a page wants to show into what uPlot draws: aligned columns plus one style per column. */
import { withAlpha } from './palette'
import { alignSeries, emaSmooth, logSafe, type Points } from './transforms'

export interface LineSeries {
  /** Stable identity (a run id, a metric key): the colour and the tooltip row follow it. */
  id: string
  label: string
  color: string
  points: Points
}

export interface DrawnSeries {
  label: string
  color: string
  /** The faded raw line drawn behind a smoothed one. */
  raw: boolean
}

export interface Prepared {
  data: [number[], ...(number | null)[][]]
  drawn: DrawnSeries[]
  empty: boolean
}

/** With smoothing, each series is drawn twice: its raw values faded, then the smoothed line on top. */
export function prepareSeries(series: readonly LineSeries[], smoothing: number, logY: boolean): Prepared {
  const smoothed = smoothing > 0
  const columns: Points[] = []
  const drawn: DrawnSeries[] = []
  let empty = true
  for (const line of series) {
    const y = logY ? logSafe(line.points.y) : line.points.y
    if (y.some((value) => value !== null)) empty = false
    if (smoothed) {
      columns.push({ x: line.points.x, y })
      drawn.push({ label: line.label, color: withAlpha(line.color, 0.28), raw: true })
    }
    columns.push({ x: line.points.x, y: smoothed ? emaSmooth(y, smoothing) : y })
    drawn.push({ label: line.label, color: line.color, raw: false })
  }
  return { data: alignSeries(columns), drawn, empty }
}
