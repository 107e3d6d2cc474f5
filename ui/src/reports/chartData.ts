/** Result items turned into what the charts draw: bars, scaled lines, shaded cells. Pure, so tested alone. */
import type { CurveItem, DistributionItem, MatrixItem, Scalar } from './document'

export interface Bar {
  label: string
  reference: number
  current: number
}

/** Bin edges in at most 3 significant digits, so a range label stays short. */
export function formatEdge(edge: Scalar | undefined): string {
  if (typeof edge !== 'number') return String(edge ?? '')
  if (!Number.isFinite(edge)) return String(edge)
  if (edge === 0) return '0'
  const abs = Math.abs(edge)
  if (abs >= 1e5 || abs < 1e-3) return edge.toExponential(1)
  return String(Number(edge.toPrecision(3)))
}

/** One bar pair per bin: numeric bins read as ranges of their edges, categorical ones by their label. */
export function distributionBars(item: DistributionItem): Bar[] {
  const count = Math.max(item.reference.length, item.current.length)
  const edges = item.numeric && item.bins.length === count + 1
  return Array.from({ length: count }, (_, index) => ({
    label: edges ? `${formatEdge(item.bins[index])} – ${formatEdge(item.bins[index + 1])}` : String(item.bins[index] ?? `#${index + 1}`),
    reference: item.reference[index] ?? 0,
    current: item.current[index] ?? 0,
  }))
}

/** The largest share either side reaches: the top of the bar chart's scale. */
export function barScale(bars: readonly Bar[]): number {
  const top = Math.max(0, ...bars.flatMap((bar) => [bar.reference, bar.current]).filter(Number.isFinite))
  return top > 0 ? top : 1
}

export type Domain = readonly [number, number]

/** Round tick values spanning a domain, about `count` of them. */
export function niceTicks([low, high]: Domain, count = 5): number[] {
  if (!(high > low)) return [low]
  const raw = (high - low) / Math.max(1, count)
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude
  const ticks: number[] = []
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)))
  return ticks
}

/** A curve axis: exactly [0, 1] for rates and probabilities, else the data's range padded by 4%. */
export function axisDomain(values: readonly number[]): Domain {
  const shown = values.filter(Number.isFinite)
  if (shown.length === 0) return [0, 1]
  const low = Math.min(...shown)
  const high = Math.max(...shown)
  if (low >= 0 && high <= 1) return [0, 1]
  if (low === high) return [low - 1, high + 1]
  const pad = (high - low) * 0.04
  return [low - pad, high + pad]
}

export interface Plot {
  width: number
  height: number
}

export interface CurveGeometry {
  x: Domain
  y: Domain
  paths: { name: string; d: string }[]
  /** A dashed diagonal (a random classifier, perfect calibration) when both axes are [0, 1] and it means something. */
  diagonal: boolean
}

function scale([low, high]: Domain, size: number, flip: boolean) {
  return (value: number) => {
    const t = high === low ? 0.5 : (value - low) / (high - low)
    return (flip ? 1 - t : t) * size
  }
}

/** SVG paths of every line of a curve inside a plot area; non-finite points break the line. */
export function curveGeometry(item: CurveItem, plot: Plot): CurveGeometry {
  const x = axisDomain(item.lines.flatMap((line) => line.x))
  const y = axisDomain(item.lines.flatMap((line) => line.y))
  const sx = scale(x, plot.width, false)
  const sy = scale(y, plot.height, true)
  const paths = item.lines.map((line) => {
    let d = ''
    let pen = false
    const points = Math.min(line.x.length, line.y.length)
    for (let i = 0; i < points; i += 1) {
      const px = line.x[i] ?? NaN
      const py = line.y[i] ?? NaN
      if (!Number.isFinite(px) || !Number.isFinite(py)) {
        pen = false
        continue
      }
      d += `${pen ? 'L' : 'M'}${sx(px).toFixed(1)},${sy(py).toFixed(1)}`
      pen = true
    }
    return { name: line.name, d }
  })
  const unit = x[0] === 0 && x[1] === 1 && y[0] === 0 && y[1] === 1
  const diagonal = unit && /roc|calibrat/i.test(`${item.name} ${item.title ?? ''}`)
  return { x, y, paths, diagonal }
}

export interface MatrixShading {
  /** Largest absolute value: the darkest cell. */
  extent: number
  /** Negative values present: shade them in a second colour. */
  diverging: boolean
}

export function matrixShading(item: MatrixItem): MatrixShading {
  const values = item.values.flat().filter(Number.isFinite)
  const extent = Math.max(0, ...values.map(Math.abs))
  return { extent: extent > 0 ? extent : 1, diverging: values.some((value) => value < 0) }
}

/** How strongly to shade one cell, 0–85 (percent of the colour), by its share of the extent. */
export function cellStrength(value: number, shading: MatrixShading): number {
  if (!Number.isFinite(value)) return 0
  return Math.round((Math.min(1, Math.abs(value) / shading.extent)) * 85)
}
