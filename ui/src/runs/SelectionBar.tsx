/** What can be done with the selected runs: compare them, delete or restore them. */
import { Button } from '../ui/Button'
import { plural } from '../ui/format'
import styles from './RunsPage.module.css'

interface Props {
  count: number
  canEdit: boolean
  anyDeleted: boolean
  anyActive: boolean
  busy: boolean
  onCompare: () => void
  onDelete: () => void
  onRestore: () => void
  onClear: () => void
}

export function SelectionBar({ count, canEdit, anyDeleted, anyActive, busy, onCompare, onDelete, onRestore, onClear }: Props) {
  return (
    <div className={styles.selectionBar} role="toolbar" aria-label="Selected runs">
      <span className={styles.selectionCount}>{plural(count, 'run')} selected</span>
      <Button size="small" variant="primary" disabled={count < 2} title={count < 2 ? 'Select at least two runs' : undefined} onClick={onCompare}>
        Compare
      </Button>
      {canEdit && anyActive && (
        <Button size="small" variant="danger" disabled={busy} onClick={onDelete}>
          Delete
        </Button>
      )}
      {canEdit && anyDeleted && (
        <Button size="small" disabled={busy} onClick={onRestore}>
          Restore
        </Button>
      )}
      <Button size="small" variant="ghost" onClick={onClear}>
        Clear selection
      </Button>
    </div>
  )
}
