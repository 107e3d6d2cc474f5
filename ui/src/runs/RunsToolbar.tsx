/** Above the table: filter, columns, grouping and view switches. */
import type { ExperimentKeys } from '../api/types'
import { Switch } from '../ui/Switch'
import { ColumnPicker } from './ColumnPicker'
import { columnId, type ColumnId } from './columns'
import { FilterBox, type FilterError } from './FilterBox'
import styles from './RunsPage.module.css'
import type { RunsView } from './urlState'

interface Props {
  view: RunsView
  keys: ExperimentKeys
  columns: ColumnId[]
  filterError: FilterError | null
  relativeTime: boolean
  onView: (change: Partial<RunsView>) => void
  onColumns: (columns: ColumnId[] | null) => void
  onRelativeTime: (relative: boolean) => void
}

/** Group-by choices: params and tags, plus the two attributes runs commonly share. */
function groupChoices(keys: ExperimentKeys): { id: ColumnId; label: string }[] {
  return [
    { id: 'attributes.status', label: 'status' },
    { id: 'attributes.user_id', label: 'user' },
    ...keys.params.map((key) => ({ id: columnId('params', key), label: `params.${key}` })),
    ...keys.tags.map((key) => ({ id: columnId('tags', key), label: `tags.${key}` })),
  ]
}

export function RunsToolbar({ view, keys, columns, filterError, relativeTime, onView, onColumns, onRelativeTime }: Props) {
  const choices = groupChoices(keys)
  const groupKnown = view.groupBy === null || choices.some((choice) => choice.id === view.groupBy)
  return (
    <div className={styles.toolbar}>
      <FilterBox value={view.filter} onChange={(filter) => onView({ filter })} keys={keys} error={filterError} />
      <ColumnPicker keys={keys} columns={columns} onChange={onColumns} onReset={() => onColumns(null)} />
      <label className={styles.group}>
        <span className="visually-hidden">Group by</span>
        <select value={view.groupBy ?? ''} onChange={(event) => onView({ groupBy: event.target.value || null })}>
          <option value="">No grouping</option>
          {!groupKnown && view.groupBy && <option value={view.groupBy}>Group: {view.groupBy}</option>}
          {choices.map((choice) => (
            <option key={choice.id} value={choice.id}>
              Group: {choice.label}
            </option>
          ))}
        </select>
      </label>
      <div className={styles.options}>
        <Switch label="Deleted runs" checked={view.showDeleted} onChange={(showDeleted) => onView({ showDeleted })} />
        <Switch label="Relative times" checked={relativeTime} onChange={onRelativeTime} />
      </div>
    </div>
  )
}
