/** Sorting and highlighting of table items: the per-column drift table, per-class figures and the like. */
import type { Item, Scalar, TableItem } from './document'

export type Direction = 'asc' | 'desc'

export interface TableSort {
  column: number
  direction: Direction
}

function rank(value: Scalar | undefined): number {
  if (typeof value === 'number') return Number.isNaN(value) ? 3 : 0
  if (typeof value === 'boolean') return 1
  if (typeof value === 'string') return ['NaN', 'Infinity', '-Infinity'].includes(value) ? 0 : 2
  return 4
}

function asNumber(value: Scalar | undefined): number {
  if (value === 'Infinity') return Infinity
  if (value === '-Infinity') return -Infinity
  if (value === 'NaN') return NaN
  return value as number
}

const text = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

/** Compare two cells ascending: numbers, then booleans, then text; missing values always last. */
export function compareCells(a: Scalar | undefined, b: Scalar | undefined): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (ra === 0) {
    const na = asNumber(a)
    const nb = asNumber(b)
    if (Number.isNaN(na) || Number.isNaN(nb)) return Number(Number.isNaN(na)) - Number(Number.isNaN(nb))
    return na === nb ? 0 : na < nb ? -1 : 1
  }
  if (ra === 1) return Number(a) - Number(b)
  if (ra === 2) return text.compare(String(a), String(b))
  return 0
}

/** Rows sorted by one column; missing cells stay at the bottom in both directions; stable for ties. */
export function sortRows(rows: readonly Scalar[][], sort: TableSort | null): Scalar[][] {
  if (sort === null) return [...rows]
  const sign = sort.direction === 'asc' ? 1 : -1
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const x = a.row[sort.column]
      const y = b.row[sort.column]
      const missing = Number(x === null || x === undefined) - Number(y === null || y === undefined)
      return missing || sign * compareCells(x, y) || a.index - b.index
    })
    .map(({ row }) => row)
}

/** The next sort when a column header is clicked: ascending, then descending, then unsorted. */
export function nextSort(current: TableSort | null, column: number): TableSort | null {
  if (current?.column !== column) return { column, direction: 'asc' }
  return current.direction === 'asc' ? { column, direction: 'desc' } : null
}

/** The column that says whether a row drifted (`drifted`, `drift detected`), or -1. */
export function driftColumn(item: Pick<TableItem, 'columns'>): number {
  return item.columns.findIndex((name) => /^(drifted|drift[ _]detected|detected)$/i.test(name.trim()))
}

/** Whether the table's numbers should line up on the right: every non-missing cell is a number. */
export function numericColumns(item: TableItem): boolean[] {
  return item.columns.map((_, column) => {
    const cells = item.rows.map((row) => row[column]).filter((cell) => cell !== null && cell !== undefined)
    return cells.length > 0 && cells.every((cell) => rank(cell) === 0)
  })
}

export interface ItemGroups {
  values: Extract<Item, { kind: 'value' }>[]
  missing: Extract<Item, { kind: 'not_computed' }>[]
  tables: Extract<Item, { kind: 'table' }>[]
  charts: Extract<Item, { kind: 'curve' | 'matrix' }>[]
  distributions: Extract<Item, { kind: 'distribution' }>[]
}

/** A metric's items by how they are laid out: figures first, then what is missing, tables, charts, distributions. */
export function groupItems(items: readonly Item[]): ItemGroups {
  const groups: ItemGroups = { values: [], missing: [], tables: [], charts: [], distributions: [] }
  for (const item of items) {
    if (item.kind === 'value') groups.values.push(item)
    else if (item.kind === 'not_computed') groups.missing.push(item)
    else if (item.kind === 'table') groups.tables.push(item)
    else if (item.kind === 'distribution') groups.distributions.push(item)
    else groups.charts.push(item)
  }
  return groups
}

/** Past this many per-column distributions, they start collapsed behind a search box. */
export const COLLAPSE_AFTER = 10

/** Distributions whose column (title or name) contains the query, case-insensitively. */
export function searchItems<T extends { name: string; title?: string }>(items: readonly T[], query: string): T[] {
  const needle = query.trim().toLowerCase()
  if (!needle) return [...items]
  return items.filter((item) => `${item.title ?? ''}\n${item.name}`.toLowerCase().includes(needle))
}

/** A stable, unique anchor per metric (`metric-DataDrift`, then `metric-DataDrift-2`) for deep links. */
export function metricAnchors(metrics: readonly { metric: string }[]): string[] {
  const seen = new Map<string, number>()
  return metrics.map(({ metric }) => {
    const slug = metric.replace(/[^A-Za-z0-9_-]+/g, '-')
    const n = (seen.get(slug) ?? 0) + 1
    seen.set(slug, n)
    return n === 1 ? `metric-${slug}` : `metric-${slug}-${n}`
  })
}
