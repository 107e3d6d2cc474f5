/**
 * Columns of the runs table, named as the search grammar names them (`metrics.auc`, `params.lr`,
 * `tags.team`, `attributes.start_time`), so a column id is also its sort key and its filter subject.
 */
import type { ExperimentKeys, Run } from '../api/types'

export type Entity = 'metrics' | 'params' | 'tags' | 'attributes'
export type ColumnId = string

export interface ColumnRef {
  entity: Entity
  key: string
}

export interface Sort {
  column: ColumnId
  desc: boolean
}

export const ENTITIES: readonly Entity[] = ['metrics', 'params', 'tags', 'attributes']

/** Every way the grammar lets a filter name an entity (case-insensitive), mapped to the canonical one. */
export const ENTITY_PREFIXES: Readonly<Record<string, Entity>> = {
  metrics: 'metrics',
  metric: 'metrics',
  params: 'params',
  param: 'params',
  parameters: 'params',
  parameter: 'params',
  tags: 'tags',
  tag: 'tags',
  attributes: 'attributes',
  attribute: 'attributes',
  attr: 'attributes',
  run: 'attributes',
}

/** The run attributes a filter or sort may name (see docs/search.md). */
export const ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'parent_run_id', 'start_time', 'end_time'] as const

/** A key the grammar accepts without quotes; anything else is back-quoted. */
const BARE_KEY = /^[A-Za-z0-9_.:/-]+$/

export function columnId(entity: Entity, key: string): ColumnId {
  return `${entity}.${key}`
}

export function parseColumnId(id: string): ColumnRef | null {
  const dot = id.indexOf('.')
  if (dot <= 0 || dot === id.length - 1) return null
  const entity = id.slice(0, dot)
  if (!ENTITIES.includes(entity as Entity)) return null
  return { entity: entity as Entity, key: id.slice(dot + 1) }
}

/** `key` as the grammar reads it: bare when it can be, else back-quoted with `\\` and `` ` `` escaped. */
export function quoteKey(key: string): string {
  return BARE_KEY.test(key) ? key : `\`${key.replace(/\\/g, '\\\\').replace(/`/g, '``')}\``
}

export function subject(ref: ColumnRef): string {
  return `${ref.entity}.${quoteKey(ref.key)}`
}

/** The server's `order_by` item for a sort. */
export function orderBy(sort: Sort | null): string[] {
  const ref = sort ? parseColumnId(sort.column) : null
  return sort && ref ? [`${subject(ref)} ${sort.desc ? 'DESC' : 'ASC'}`] : []
}

/** A run's raw value in a column: a number for metrics (or "NaN"/"Infinity" strings), else text. */
export function cellValue(run: Run, ref: ColumnRef): string | number | null {
  switch (ref.entity) {
    case 'metrics':
      return run.metrics?.[ref.key] ?? null
    case 'params':
      return run.params?.[ref.key] ?? null
    case 'tags':
      return run.tags?.[ref.key] ?? null
    case 'attributes': {
      const value = (run as unknown as Record<string, unknown>)[ref.key]
      return typeof value === 'string' || typeof value === 'number' ? value : null
    }
  }
}

/** The keys to offer: those the server reported, plus any seen on loaded runs (new since it answered). */
export function mergeKeys(reported: ExperimentKeys | undefined, runs: readonly Run[]): ExperimentKeys {
  const sets = {
    params: new Set(reported?.params),
    metrics: new Set(reported?.metrics),
    tags: new Set(reported?.tags),
  }
  for (const run of runs) {
    for (const key in run.params ?? {}) sets.params.add(key)
    for (const key in run.metrics ?? {}) sets.metrics.add(key)
    for (const key in run.tags ?? {}) sets.tags.add(key)
  }
  const sorted = (set: Set<string>) => [...set].sort()
  return { params: sorted(sets.params), metrics: sorted(sets.metrics), tags: sorted(sets.tags) }
}

/** With nothing chosen or remembered: a few metrics and params, the ones most runs tables start with. */
export function defaultColumns(keys: ExperimentKeys): ColumnId[] {
  return [
    ...keys.metrics.slice(0, 5).map((key) => columnId('metrics', key)),
    ...keys.params.slice(0, 4).map((key) => columnId('params', key)),
  ]
}
