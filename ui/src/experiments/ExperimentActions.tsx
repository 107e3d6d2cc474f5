/**
 * The "⋯" menu of one experiment. Whether the caller may manage it is asked only when the menu opens,
 * so a long list costs no permission lookups.
 */
import type { Experiment } from '../api/types'
import { useCan } from '../auth/useCan'
import { cx } from '../ui/cx'
import { Popover } from '../ui/Popover'
import styles from './Experiments.module.css'

export type ExperimentAction = 'rename' | 'delete' | 'restore'

const DEFAULT_EXPERIMENT = '0'

function ActionList({ experiment, onAction, close }: {
  experiment: Experiment
  onAction: (action: ExperimentAction) => void
  close: () => void
}) {
  const canManage = useCan(experiment.experiment_id, 'manage')
  if (!canManage) return <div className={styles.menuNote}>Only an admin or a manager of this experiment can change it.</div>
  const act = (action: ExperimentAction) => () => {
    close()
    onAction(action)
  }
  const deleted = experiment.lifecycle_stage === 'deleted'
  return (
    <div className={styles.menu} role="menu">
      <button type="button" role="menuitem" className={styles.menuItem} onClick={act('rename')}>
        Rename…
      </button>
      {deleted ? (
        <button type="button" role="menuitem" className={styles.menuItem} onClick={act('restore')}>
          Restore
        </button>
      ) : (
        experiment.experiment_id !== DEFAULT_EXPERIMENT && (
          <button type="button" role="menuitem" className={cx(styles.menuItem, styles.menuDanger)} onClick={act('delete')}>
            Delete…
          </button>
        )
      )}
    </div>
  )
}

export function ExperimentActions({ experiment, onAction }: { experiment: Experiment; onAction: (action: ExperimentAction) => void }) {
  return (
    <Popover label="⋯" title={`Actions for ${experiment.name}`} align="right" variant="ghost" size="small">
      {(close) => <ActionList experiment={experiment} onAction={onAction} close={close} />}
    </Popover>
  )
}
