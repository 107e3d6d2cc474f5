/** The rows of a comparison: one per param, metric and tag any of the runs has, marked when they differ. */
import type { Run } from '../api/types'
import { formatMetric } from '../ui/format'

export interface CompareRow {
  section: 'Params' | 'Metrics' | 'Tags'
  key: string
  values: string[]
  differs: boolean
}

const SECTIONS = [
  ['Params', 'params', String],
  ['Metrics', 'metrics', formatMetric],
  ['Tags', 'tags', String],
] as const

export function compareRows(runs: readonly Run[]): CompareRow[] {
  const rows: CompareRow[] = []
  for (const [section, field, format] of SECTIONS) {
    const keys = new Set<string>()
    for (const run of runs) for (const key in run[field] ?? {}) keys.add(key)
    for (const key of [...keys].sort()) {
      const values = runs.map((run) => {
        const value = (run[field] as Record<string, unknown> | undefined)?.[key]
        return value === undefined ? '' : format(value)
      })
      rows.push({ section, key, values, differs: new Set(values).size > 1 })
    }
  }
  return rows
}
