/** How times, durations and values read everywhere in the UI (ISO 8601 or relative, like the CLI). */

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export function formatIso(ms: number): string {
  const date = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  )
}

export function formatRelative(ms: number, now: number = Date.now()): string {
  const delta = now - ms
  const ahead = delta < 0
  const span = Math.abs(delta)
  let text: string
  if (span < 45 * SECOND) return 'just now'
  else if (span < 90 * MINUTE) text = `${Math.round(span / MINUTE)} min`
  else if (span < 36 * HOUR) text = `${Math.round(span / HOUR)} h`
  else if (span < 45 * DAY) text = `${Math.round(span / DAY)} d`
  else return formatIso(ms).slice(0, 10)
  return ahead ? `in ${text}` : `${text} ago`
}

/** `1h 02m`, `3m 07s`, `850 ms`: two units at most, enough to compare runs at a glance. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return ''
  if (ms < SECOND) return `${Math.round(ms)} ms`
  const total = Math.floor(ms / SECOND)
  const days = Math.floor(total / 86400)
  const hours = Math.floor((total % 86400) / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  const two = (n: number) => String(n).padStart(2, '0')
  if (days > 0) return `${days}d ${two(hours)}h`
  if (hours > 0) return `${hours}h ${two(minutes)}m`
  if (minutes > 0) return `${minutes}m ${two(seconds)}s`
  return `${seconds}.${String(Math.floor((ms % SECOND) / 100))}s`
}

/**
 * A metric value in at most 6 significant digits. Non-finite values arrive from the API as the strings
 * "NaN", "Infinity" and "-Infinity" (JSON has no such numbers) and are shown as such.
 */
export function formatMetric(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value !== 'number') return ''
  if (!Number.isFinite(value)) return String(value)
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value)
  const abs = Math.abs(value)
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(4)
  return String(Number(value.toPrecision(6)))
}

const counts = new Intl.NumberFormat('en-US')

export function formatCount(n: number): string {
  return counts.format(n)
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}
