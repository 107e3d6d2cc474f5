/**
 * The runs table's view lives in the query string, so any view can be shared as a link:
 *
 *   ?filter=metrics.auc > 0.9&sort=metrics.auc:desc&col=metrics.auc&col=params.lr&group=params.model&deleted=1
 *
 * `col` repeats, one per chosen column (keys may hold commas, so no joined list); a lone empty `col=`
 * means "no extra columns", while no `col` at all means "whatever was last used in this experiment".
 */
import { parseColumnId, type ColumnId, type Sort } from './columns'

export interface RunsView {
  filter: string
  sort: Sort | null
  columns: ColumnId[] | null
  groupBy: ColumnId | null
  showDeleted: boolean
}

export const DEFAULT_VIEW: RunsView = { filter: '', sort: null, columns: null, groupBy: null, showDeleted: false }

const KEYS = ['filter', 'sort', 'col', 'group', 'deleted'] as const

function decodeSort(raw: string | null): Sort | null {
  if (!raw) return null
  const colon = raw.lastIndexOf(':')
  const direction = colon > 0 ? raw.slice(colon + 1) : ''
  const column = direction === 'asc' || direction === 'desc' ? raw.slice(0, colon) : raw
  if (!parseColumnId(column)) return null
  return { column, desc: direction === 'desc' }
}

export function decodeView(params: URLSearchParams): RunsView {
  const columns = params.has('col') ? params.getAll('col').filter((id) => parseColumnId(id) !== null) : null
  const group = params.get('group')
  return {
    filter: params.get('filter') ?? '',
    sort: decodeSort(params.get('sort')),
    columns,
    groupBy: group && parseColumnId(group) ? group : null,
    showDeleted: params.get('deleted') === '1',
  }
}

/** `view` written into a copy of `base`, keeping the query parameters that belong to others. */
export function encodeView(view: RunsView, base: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const params = new URLSearchParams(base)
  for (const key of KEYS) params.delete(key)
  if (view.filter) params.set('filter', view.filter)
  if (view.sort) params.set('sort', `${view.sort.column}:${view.sort.desc ? 'desc' : 'asc'}`)
  if (view.columns !== null) {
    if (view.columns.length === 0) params.append('col', '')
    for (const column of view.columns) params.append('col', column)
  }
  if (view.groupBy) params.set('group', view.groupBy)
  if (view.showDeleted) params.set('deleted', '1')
  return params
}
