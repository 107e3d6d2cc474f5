/**
 * Group-by over the loaded rows: groups appear in the order of their first run, so the server's sort
 * decides their order too, and a collapsed group keeps its header (and count) in the table.
 */
import type { Run } from '../api/types'
import { cellValue, type ColumnRef } from './columns'

export type Row =
  | { kind: 'group'; id: string; value: string | null; count: number; collapsed: boolean }
  | { kind: 'run'; run: Run }

/** The id of the group a value falls in; runs without the key share one group. */
export function groupId(value: string | number | null): string {
  return value === null ? '\u0000none' : `=${String(value)}`
}

export function groupRows(runs: readonly Run[], by: ColumnRef | null, collapsed: ReadonlySet<string>): Row[] {
  if (by === null) return runs.map((run) => ({ kind: 'run', run }))
  const groups = new Map<string, { value: string | null; runs: Run[] }>()
  for (const run of runs) {
    const value = cellValue(run, by)
    const id = groupId(value)
    let group = groups.get(id)
    if (!group) {
      group = { value: value === null ? null : String(value), runs: [] }
      groups.set(id, group)
    }
    group.runs.push(run)
  }
  const rows: Row[] = []
  for (const [id, group] of groups) {
    const isCollapsed = collapsed.has(id)
    rows.push({ kind: 'group', id, value: group.value, count: group.runs.length, collapsed: isCollapsed })
    if (!isCollapsed) for (const run of group.runs) rows.push({ kind: 'run', run })
  }
  return rows
}
