/**
 * The comparable columns of a set of runs: every param and metric any of them has, with one value per
 * run, typed numeric when every present value is a finite number (params arrive as strings) and
 * categorical otherwise. The table, the parallel coordinates and the scatter all read these.
 */
import type { Run } from '../api/types'

export type ColumnType = 'numeric' | 'categorical'
export type Value = number | string | null

export interface Column {
  /** `params.<key>` or `metrics.<key>`: unique, and what the URL stores. */
  id: string
  kind: 'param' | 'metric'
  key: string
  type: ColumnType
  /** One per run, in the runs' order; null where the run has none (or a non-finite metric). */
  values: Value[]
}

function numberOf(raw: string): number | null {
  if (raw.trim() === '') return null
  const value = Number(raw)
  return Number.isFinite(value) ? value : null
}

function paramColumn(runs: readonly Run[], key: string): Column {
  const raw = runs.map((run) => run.params?.[key] ?? null)
  const numeric = raw.every((value) => value === null || numberOf(value) !== null) && raw.some((value) => value !== null)
  return {
    id: `params.${key}`,
    kind: 'param',
    key,
    type: numeric ? 'numeric' : 'categorical',
    values: numeric ? raw.map((value) => (value === null ? null : numberOf(value))) : raw,
  }
}

function metricColumn(runs: readonly Run[], key: string): Column {
  const values = runs.map((run) => {
    const value = (run.metrics as Record<string, number | string> | undefined)?.[key]
    return typeof value === 'number' && Number.isFinite(value) ? value : null
  })
  return { id: `metrics.${key}`, kind: 'metric', key, type: 'numeric', values }
}

function keysOf(runs: readonly Run[], field: 'params' | 'metrics'): string[] {
  const keys = new Set<string>()
  for (const run of runs) for (const key of Object.keys(run[field] ?? {})) keys.add(key)
  return [...keys].sort()
}

export function compareColumns(runs: readonly Run[]): Column[] {
  return [
    ...keysOf(runs, 'params').map((key) => paramColumn(runs, key)),
    ...keysOf(runs, 'metrics').map((key) => metricColumn(runs, key)),
  ]
}

/** True when the runs do not all hold the same value (a missing value counts as different). */
export function columnDiffers(column: Column): boolean {
  return new Set(column.values.map((value) => (value === null ? '\u0000' : String(value)))).size > 1
}

export function columnLabel(column: Column): string {
  return column.id
}

/**
 * Sensible axes when none are chosen: the params that differ (they explain the runs) and then the
 * metrics, up to `limit`, leaving out the machine's `system/…` metrics.
 */
export function defaultAxes(columns: readonly Column[], limit = 7): string[] {
  const params = columns.filter((column) => column.kind === 'param' && columnDiffers(column))
  const metrics = columns.filter((column) => column.kind === 'metric' && !column.key.startsWith('system/'))
  const picked = [...params.slice(0, Math.max(1, limit - Math.min(metrics.length, 2))), ...metrics]
  return picked.slice(0, limit).map((column) => column.id)
}

/** Ids the URL asked for, kept when they exist, in the asked order. */
export function pickColumns(columns: readonly Column[], ids: readonly string[]): Column[] {
  const byId = new Map(columns.map((column) => [column.id, column]))
  return ids.map((id) => byId.get(id)).filter((column): column is Column => column !== undefined)
}
