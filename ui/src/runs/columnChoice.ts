/** Which keys the column picker lists for a search, grouped by entity. */
import type { ExperimentKeys } from '../api/types'
import { columnId, type ColumnId, type Entity } from './columns'

export interface PickerSection {
  entity: Exclude<Entity, 'attributes'>
  title: string
  keys: string[]
  /** How many more keys match than are listed. */
  hidden: number
}

const TITLES = { metrics: 'Metrics', params: 'Params', tags: 'Tags' } as const
/** Listed per section; a search narrows the rest. */
export const SECTION_LIMIT = 200

export function pickerSections(keys: ExperimentKeys, query: string, limit = SECTION_LIMIT): PickerSection[] {
  const q = query.trim().toLowerCase()
  // "metrics.lo" searches only metrics, "lo" (or "val.lo") searches all three.
  const dot = q.indexOf('.')
  const head = dot > 0 ? q.slice(0, dot) : ''
  const scope = head in TITLES ? head : null
  const needle = scope ? q.slice(dot + 1) : q
  const sections: PickerSection[] = []
  for (const entity of ['metrics', 'params', 'tags'] as const) {
    if (scope && scope !== entity) continue
    const matching = keys[entity].filter((key) => key.toLowerCase().includes(needle))
    if (matching.length === 0) continue
    sections.push({ entity, title: TITLES[entity], keys: matching.slice(0, limit), hidden: Math.max(0, matching.length - limit) })
  }
  return sections
}

/** Add or remove one column, keeping the order in which columns were chosen. */
export function toggleColumn(columns: readonly ColumnId[], entity: Entity, key: string): ColumnId[] {
  const id = columnId(entity, key)
  return columns.includes(id) ? columns.filter((column) => column !== id) : [...columns, id]
}
