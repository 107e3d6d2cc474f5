/** How a deployment's lanes, status and numbers read on its pages, and its stats history as chart series. */
import type { components } from '../api/schema'
import { seriesColor } from '../charts/palette'
import type { LineSeries } from '../charts/prepare'
import type { BadgeTone } from '../ui/Badge'

type Schemas = components['schemas']
export type Deployment = Schemas['Deployment']
export type Lane = Schemas['DeployedLane']
export type StatsPoint = Schemas['StatsPoint']
export type DeploymentStatus = Deployment['status']

export const STATUS: Record<DeploymentStatus, { label: string; tone: BadgeTone; hint: string }> = {
  running: { label: 'Running', tone: 'running', hint: 'Reporting on time' },
  stale: { label: 'Stale', tone: 'warn', hint: 'Not heard from for three report intervals' },
  stopped: { label: 'Stopped', tone: 'neutral', hint: 'The server said it stopped' },
}

export function formatRate(perSecond: number | undefined): string {
  return perSecond === undefined ? '—' : `${String(Number(perSecond.toPrecision(3)))}/s`
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  return ms >= 100 ? `${String(Math.round(ms))} ms` : `${String(Number(ms.toPrecision(2)))} ms`
}

export function formatShare(share: number | undefined): string {
  if (share === undefined) return '—'
  return `${String(Number((share * 100).toPrecision(3)))} %`
}

/** `v3`, `canary v4 · 10 %`, `shadow v5`, `/srv/model` (a folder or a run's package has no version). */
export function laneLabel(lane: Lane): string {
  const what = lane.version !== null && lane.version !== undefined ? `v${String(lane.version)}` : lane.uri
  const role = lane.role === 'primary' ? '' : `${lane.role ?? ''} `
  const weight = lane.role === 'shadow' || (lane.weight ?? 1) === 1 ? '' : ` · ${formatShare(lane.weight)}`
  return `${role}${what}${weight}`
}

/** The lanes grouped by served name, primary first (as the API sends them). */
export function lanesByName(lanes: readonly Lane[]): [string, Lane[]][] {
  const grouped = new Map<string, Lane[]>()
  for (const lane of lanes) grouped.set(lane.served_name, [...(grouped.get(lane.served_name) ?? []), lane])
  return [...grouped]
}

type Measure = 'request_rate' | 'p50_ms' | 'p99_ms' | 'error_rate'

/**
 * One series per served name (and per measure, when several share a chart) over the report windows, with
 * x in seconds since the epoch as the chart's wall-time axis reads it.
 */
export function historySeries(history: readonly StatsPoint[], measures: readonly Measure[]): LineSeries[] {
  const names = [...new Set(history.map((point) => point.served_name))]
  return names.flatMap((name, index) =>
    measures.map((measure, offset) => {
      const points = history.filter((point) => point.served_name === name)
      return {
        id: `${name}/${measure}`,
        label: measures.length > 1 ? `${name} ${measure.replace('_ms', '')}` : name,
        color: seriesColor(index * measures.length + offset),
        points: { x: points.map((point) => point.at / 1000), y: points.map((point) => point[measure] ?? null) },
      }
    }),
  )
}
