/** One experiment's runs: the table, with its filter, columns, sort, grouping and selection. */
import { useCallback, useMemo, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'

import { ApiError } from '../api/errors'
import type { Run } from '../api/types'
import { useCan } from '../auth/useCan'
import { useExperiment, useExperimentKeys, useRunCounts } from '../experiments/api'
import { Button } from '../ui/Button'
import { Dialog } from '../ui/Dialog'
import { formatCount, plural } from '../ui/format'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import { useNow } from '../ui/useNow'
import { parseBoolean, useStoredState } from '../ui/useStoredState'
import { useDeleteRuns, useLiveRuns, useRestoreRuns, useRunPages, type RunPages } from './api'
import { mergeKeys, orderBy, parseColumnId } from './columns'
import { filterErrorOf, sortErrorOf } from './filterErrors'
import { groupRows } from './grouping'
import { flattenPages } from './pages'
import styles from './RunsPage.module.css'
import { RunsTable } from './RunsTable'
import { RunsToolbar } from './RunsToolbar'
import { SelectionBar } from './SelectionBar'
import { toggleSelection } from './selection'
import { buildColumns } from './tableColumns'
import { useRunsView } from './useRunsView'

export function RunsPage() {
  const { experimentId = '0' } = useParams()
  return <ExperimentRuns key={experimentId} experimentId={experimentId} />
}

function ExperimentRuns({ experimentId }: { experimentId: string }) {
  const navigate = useNavigate()
  const experiment = useExperiment(experimentId)
  const total = useRunCounts([experimentId]).data?.[experimentId]
  const reportedKeys = useExperimentKeys(experimentId).data
  const canEdit = useCan(experimentId, 'edit')
  const now = useNow()
  const [relativeTime, setRelativeTime] = useStoredState('runs.relativeTime', true, parseBoolean)

  // While a new query loads (or after it is refused), the last good result stays on screen.
  const [shown, setShown] = useState<RunPages>()
  // Keys logged since the server listed them are picked up from the first loaded page.
  const firstPage = shown?.pages[0]?.items
  const keys = useMemo(() => mergeKeys(reportedKeys, firstPage ?? []), [reportedKeys, firstPage])
  const { view, columns, update, setColumns } = useRunsView(experimentId, keys)

  const query = useRunPages({
    experimentId,
    filter: view.filter,
    orderBy: orderBy(view.sort),
    view: view.showDeleted ? 'all' : 'active',
  })
  if (query.data && query.data !== shown) setShown(query.data)
  const loaded = useMemo(() => flattenPages(shown?.pages), [shown])
  const runs = useLiveRuns(experimentId, loaded)

  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const groupBy = useMemo(() => (view.groupBy ? parseColumnId(view.groupBy) : null), [view.groupBy])
  const rows = useMemo(() => groupRows(runs, groupBy, collapsed), [runs, groupBy, collapsed])
  const order = useMemo(() => rows.flatMap((row) => (row.kind === 'run' ? [row.run.run_id] : [])), [rows])

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const [anchor, setAnchor] = useState<string | null>(null)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const deleteRuns = useDeleteRuns()
  const restoreRuns = useRestoreRuns()

  const tableColumns = useMemo(() => buildColumns(columns), [columns])
  const onSelect = useCallback(
    (runId: string, range: boolean) => {
      setSelected((current) => toggleSelection(current, order, runId, anchor, range))
      setAnchor(runId)
    },
    [order, anchor],
  )
  const onToggleGroup = useCallback((id: string) => {
    setCollapsed((current) => {
      const next = new Set(current)
      if (!next.delete(id)) next.add(id)
      return next
    })
  }, [])
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query
  const onLoadMore = useCallback(() => void fetchNextPage(), [fetchNextPage])
  const onOpen = useCallback((run: Run) => void navigate(`/experiments/${experimentId}/runs/${run.run_id}`), [navigate, experimentId])

  if (experiment.isError) {
    const missing = experiment.error instanceof ApiError && experiment.error.status === 404
    return (
      <div className={styles.page}>
        <ErrorState error={experiment.error} title={missing ? `No experiment ${experimentId}` : 'Could not load the experiment'} onRetry={() => void experiment.refetch()} />
      </div>
    )
  }

  const filterError = filterErrorOf(query.error)
  const sortError = sortErrorOf(query.error)
  const otherError = query.isError && !filterError && !sortError ? query.error : null
  const selectedRuns = selected.size > 0 ? runs.filter((run) => selected.has(run.run_id)) : []
  const allSelected = selected.size === 0 ? false : order.every((id) => selected.has(id)) ? true : 'some'
  const name = experiment.data?.name ?? ''

  return (
    <div className={styles.page}>
      <div className={styles.titleRow}>
        <h1>{name || '\u00a0'}</h1>
        <span className={styles.id}>#{experimentId}</span>
        {experiment.data?.lifecycle_stage === 'deleted' && <span className="muted">(deleted)</span>}
        {total !== undefined && <span className={styles.count}>{plural(total, 'run')}</span>}
        <Link to={`/experiments/${experimentId}/reports`}>Reports</Link>
      </div>

      <RunsToolbar
        view={view}
        keys={keys}
        columns={columns}
        filterError={filterError}
        relativeTime={relativeTime}
        onView={update}
        onColumns={setColumns}
        onRelativeTime={setRelativeTime}
      />

      {sortError && (
        <div className={styles.sortError} role="alert">
          Cannot sort: {sortError}
          <Button size="small" onClick={() => update({ sort: null })}>
            Clear the sort
          </Button>
        </div>
      )}

      {selected.size > 0 && (
        <SelectionBar
          count={selected.size}
          canEdit={canEdit}
          anyActive={selectedRuns.some((run) => run.lifecycle_stage === 'active')}
          anyDeleted={selectedRuns.some((run) => run.lifecycle_stage === 'deleted')}
          busy={deleteRuns.isPending || restoreRuns.isPending}
          onCompare={() => void navigate(`/compare?runs=${[...selected].join(',')}`)}
          onDelete={() => setConfirmDelete(true)}
          onRestore={() => restoreRuns.mutate(selectedRuns.filter((run) => run.lifecycle_stage === 'deleted').map((run) => run.run_id))}
          onClear={() => setSelected(new Set())}
        />
      )}

      {otherError ? (
        <ErrorState error={otherError} title="Could not load the runs" onRetry={() => void query.refetch()} />
      ) : !shown ? (
        query.isError ? null : <Loading what="runs" />
      ) : runs.length === 0 ? (
        <NoRuns experimentName={name} filter={view.filter} total={total} showDeleted={view.showDeleted} onClear={() => update({ filter: '' })} />
      ) : (
        <RunsTable
          rows={rows}
          columns={tableColumns}
          context={{ now, relativeTime }}
          sort={view.sort}
          onSort={(sort) => update({ sort })}
          groupLabel={view.groupBy}
          selected={selected}
          allSelected={allSelected}
          onSelect={onSelect}
          onSelectAll={(on) => setSelected(on ? new Set(order) : new Set())}
          onToggleGroup={onToggleGroup}
          onOpen={onOpen}
          hasMore={hasNextPage}
          loadingMore={isFetchingNextPage}
          onLoadMore={onLoadMore}
          stale={query.isPlaceholderData || (query.isFetching && !isFetchingNextPage && query.isError)}
        />
      )}

      {shown && runs.length > 0 && (
        <div className={styles.status}>
          <span>
            {filterError || sortError ? 'Showing the results of the last valid search. ' : ''}
            {formatCount(runs.length)} {view.filter ? 'matching ' : ''}
            {runs.length === 1 ? 'run' : 'runs'} loaded
            {hasNextPage ? ', more load as you scroll' : ''}
            {!view.filter && !view.showDeleted && total !== undefined && hasNextPage ? ` (of ${formatCount(total)})` : ''}
          </span>
          <span>
            <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>x</kbd> select · <kbd>/</kbd> filter
          </span>
        </div>
      )}

      <Dialog
        open={confirmDelete}
        title={`Delete ${plural(selectedRuns.length, 'run')}?`}
        submitLabel="Delete"
        danger
        busy={deleteRuns.isPending}
        error={deleteRuns.error instanceof ApiError ? deleteRuns.error.summary : null}
        onClose={() => setConfirmDelete(false)}
        onSubmit={() =>
          deleteRuns.mutate(
            selectedRuns.filter((run) => run.lifecycle_stage === 'active').map((run) => run.run_id),
            {
              onSuccess: () => {
                setConfirmDelete(false)
                setSelected(new Set())
              },
            },
          )
        }
      >
        Deleted runs keep their data and can be restored: turn on “Deleted runs” to see them.
      </Dialog>
    </div>
  )
}

function NoRuns({ experimentName, filter, total, showDeleted, onClear }: {
  experimentName: string
  filter: string
  total: number | undefined
  showDeleted: boolean
  onClear: () => void
}) {
  if (filter) {
    return (
      <EmptyState title="No runs match this filter">
        <pre className={styles.snippet}>{filter}</pre>
        <p>
          Loosen it, or <Button size="small" onClick={onClear}>clear the filter</Button>
        </p>
      </EmptyState>
    )
  }
  if (total === 0 && !showDeleted) {
    const example = experimentName ? JSON.stringify(experimentName) : '"my-experiment"'
    return (
      <EmptyState title="No runs yet">
        Log one from Python:
        <pre className={styles.snippet}>
          {`import tether as tt\n\nwith tt.start_run(experiment=${example}):\n    tt.log_param("lr", 0.01)\n    tt.log_metric("auc", 0.91)`}
        </pre>
      </EmptyState>
    )
  }
  return (
    <EmptyState title={showDeleted ? 'No runs, deleted or not' : 'No active runs'}>
      {showDeleted ? null : (
        <>
          Deleted runs are hidden: turn on “Deleted runs” to see them. <Link to="/">Back to experiments</Link>
        </>
      )}
    </EmptyState>
  )
}
