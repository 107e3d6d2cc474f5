/** Every experiment with its run count and last activity; search, create, rename, delete, restore. */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'

import type { Experiment } from '../api/types'
import { useCanCreateExperiment } from '../auth/useCan'
import { Button } from '../ui/Button'
import { cx } from '../ui/cx'
import { formatCount, formatIso, formatRelative, plural } from '../ui/format'
import { cursorMove, isTyping, moveCursor } from '../ui/keys'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import { Switch } from '../ui/Switch'
import { useNow } from '../ui/useNow'
import { lastActivity, useActivity, useExperiments, useRestoreExperiment } from './api'
import { ExperimentActions, type ExperimentAction } from './ExperimentActions'
import { ExperimentDialogs, type DialogState } from './ExperimentDialogs'
import styles from './Experiments.module.css'
import { matchExperiments } from './search'
import { sortExperiments, type ExperimentSort } from './sorting'

const COLUMNS: { sort: ExperimentSort; label: string; right?: boolean }[] = [
  { sort: 'name', label: 'Name' },
  { sort: 'runs', label: 'Runs', right: true },
  { sort: 'activity', label: 'Last activity' },
  { sort: 'created', label: 'Created' },
]

export function ExperimentsPage() {
  const [params, setParams] = useSearchParams()
  const query = params.get('q') ?? ''
  const showDeleted = params.get('deleted') === '1'
  const [sort, setSort] = useState<ExperimentSort>('activity')
  const [dialog, setDialog] = useState<DialogState>(null)
  const [cursor, setCursor] = useState(-1)
  const table = useRef<HTMLDivElement>(null)
  const navigate = useNavigate()
  const now = useNow()
  const canCreate = useCanCreateExperiment()
  const restore = useRestoreExperiment()

  const experiments = useExperiments(showDeleted ? 'deleted' : 'active')
  const ids = useMemo(() => experiments.data?.map((e) => e.experiment_id), [experiments.data])
  const activity = useActivity(ids).data
  const counts = useMemo(
    () => (activity ? Object.fromEntries(Object.entries(activity).map(([id, a]) => [id, a.runs])) : undefined),
    [activity],
  )
  const shown = useMemo(
    () => sortExperiments(matchExperiments(experiments.data ?? [], query), sort, activity),
    [experiments.data, query, sort, activity],
  )

  const setParam = (key: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current)
        if (value) next.set(key, value)
        else next.delete(key)
        return next
      },
      { replace: true },
    )

  const onAction = (experiment: Experiment) => (action: ExperimentAction) => {
    if (action === 'restore') restore.mutate(experiment.experiment_id)
    else if (action === 'rename') setDialog({ kind: 'rename', experiment })
    else setDialog({ kind: 'delete', experiment, runs: counts?.[experiment.experiment_id] })
  }

  const at = Math.min(cursor, shown.length - 1)
  const onKeyDown = (event: KeyboardEvent) => {
    if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return
    const move = cursorMove(event.key)
    if (move) {
      event.preventDefault()
      const next = moveCursor(at, move, shown.length)
      setCursor(next)
      table.current?.querySelector(`[data-index="${next}"]`)?.scrollIntoView({ block: 'nearest' })
    } else if (event.key === 'Enter' && shown[at]) {
      void navigate(`/experiments/${shown[at].experiment_id}`)
    }
  }

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Experiments</h1>
          <div className="subtitle">
            {experiments.data ? plural(experiments.data.length, showDeleted ? 'deleted experiment' : 'experiment') : '\u00a0'}
          </div>
        </div>
        {canCreate && !showDeleted && (
          <Button variant="primary" onClick={() => setDialog({ kind: 'create' })}>
            New experiment
          </Button>
        )}
      </div>

      <div className="toolbar">
        <input
          type="search"
          placeholder="Search experiments by name or id"
          aria-label="Search experiments"
          style={{ width: 320 }}
          value={query}
          onChange={(event) => setParam('q', event.target.value || null)}
        />
        <Switch label="Deleted" checked={showDeleted} onChange={(on) => setParam('deleted', on ? '1' : null)} />
      </div>

      {experiments.isError ? (
        <ErrorState error={experiments.error} title="Could not load the experiments" onRetry={() => void experiments.refetch()} />
      ) : !experiments.data ? (
        <Loading what="experiments" />
      ) : shown.length === 0 ? (
        <EmptyState title={query ? `No experiment matches “${query}”` : showDeleted ? 'No deleted experiments' : 'No experiments yet'}>
          {query ? (
            'Try fewer words, or part of the name.'
          ) : showDeleted ? (
            'Deleted experiments appear here and can be restored.'
          ) : (
            <>
              Create one here, or log a run: <code>tt.start_run(experiment="churn")</code> creates the experiment.
            </>
          )}
        </EmptyState>
      ) : (
        <div ref={table} className={styles.tableWrap} tabIndex={0} onKeyDown={onKeyDown} onFocus={() => cursor < 0 && setCursor(0)} aria-label="Experiments">
          <table className={styles.table}>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <th key={column.sort} className={column.right ? styles.right : undefined} aria-sort={sort === column.sort ? 'descending' : undefined}>
                    <button type="button" tabIndex={-1} className={cx(styles.sortButton, sort === column.sort && styles.active)} onClick={() => setSort(column.sort)}>
                      {column.label}
                      {sort === column.sort && <span aria-hidden="true">↓</span>}
                    </button>
                  </th>
                ))}
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((experiment, index) => (
                <tr
                  key={experiment.experiment_id}
                  data-index={index}
                  className={cx(index === at && styles.cursor, experiment.lifecycle_stage === 'deleted' && styles.deleted)}
                  onClick={() => setCursor(index)}
                >
                  <td>
                    <Link to={`/experiments/${experiment.experiment_id}`} className={styles.name} tabIndex={-1}>
                      {experiment.name}
                    </Link>{' '}
                    <span className={styles.id}>#{experiment.experiment_id}</span>
                  </td>
                  <td className={styles.num}>{counts?.[experiment.experiment_id] !== undefined ? formatCount(counts[experiment.experiment_id] ?? 0) : ''}</td>
                  <td title={formatIso(lastActivity(experiment, activity))}>
                    {formatRelative(lastActivity(experiment, activity), now)}
                  </td>
                  <td className="muted" title={formatIso(experiment.creation_time)}>
                    {formatIso(experiment.creation_time).slice(0, 10)}
                  </td>
                  <td className={styles.actionsCell}>
                    <ExperimentActions experiment={experiment} onAction={onAction(experiment)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ExperimentDialogs state={dialog} onClose={() => setDialog(null)} />
    </div>
  )
}
