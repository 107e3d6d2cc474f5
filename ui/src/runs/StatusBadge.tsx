import type { RunStatus } from '../api/types'
import { cx } from '../ui/cx'
import styles from './StatusBadge.module.css'

const LABEL: Record<RunStatus, string> = { RUNNING: 'Running', FINISHED: 'Finished', FAILED: 'Failed', KILLED: 'Killed' }

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={cx(styles.badge, styles[status])}>{LABEL[status]}</span>
}

export function DeletedBadge() {
  return <span className={cx(styles.badge, styles.deleted)}>Deleted</span>
}
