/** How report figures read: shares as percentages, booleans as yes/no, the rest in 6 significant digits. */
import { formatMetric } from '../ui/format'
import { finite, type Scalar } from './document'

/** Figures named like `missing_share`, `share_of_drifted_columns` or `missing_share.age` are fractions. */
export function isShare(name: string): boolean {
  return /(^|[._ ])share([._ ]|$)/i.test(name)
}

export function formatPercent(fraction: number): string {
  const percent = fraction * 100
  if (percent === 0) return '0%'
  const shown = Math.abs(percent) < 0.01 ? percent.toExponential(1) : String(Number(percent.toPrecision(3)))
  return `${shown}%`
}

/** One figure for display; `name` (the figure's key) decides whether it reads as a percentage. */
export function formatScalar(value: Scalar | undefined, name = ''): string {
  if (value === null || value === undefined) return '–'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'number' && isShare(name) && Number.isFinite(value) && value >= 0 && value <= 1) return formatPercent(value)
  return formatMetric(value)
}

export interface Delta {
  /** current − reference, as it reads: `+0.031`, `−2.4 pp`. */
  text: string
  /** The change relative to the reference (`+5.2%`), unless the reference is (near) zero. */
  relative: string | null
  direction: 'up' | 'down' | 'same'
}

function signed(text: string, value: number): string {
  if (value > 0) return `+${text}`
  if (value < 0) return `−${text.replace(/^-/, '')}`
  return text
}

/** How the current figure differs from the reference one; null unless both are finite numbers. */
export function deltaOf(value: Scalar | undefined, reference: Scalar | undefined, name = ''): Delta | null {
  const current = finite(value)
  const before = finite(reference)
  if (current === null || before === null) return null
  const change = current - before
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'same'
  const share = isShare(name) && current >= 0 && current <= 1 && before >= 0 && before <= 1
  const text = share ? `${signed(String(Number((change * 100).toPrecision(3))), change)} pp` : signed(formatMetric(Number(change.toPrecision(3))), change)
  // Against a reference near zero a relative change (−40900%) says nothing: it is left out.
  const ratio = before !== 0 ? change / Math.abs(before) : Infinity
  const relative = !share && Math.abs(ratio) < 10 ? signed(formatPercent(ratio), change) : null
  return { text, relative, direction }
}
