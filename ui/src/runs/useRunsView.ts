/** The runs table's view as state: read from and written to the URL, columns also remembered per experiment. */
import { useCallback, useMemo, useState } from 'react'
import { useSearchParams } from 'react-router'

import type { ExperimentKeys } from '../api/types'
import { readStored, stringList, writeStored } from '../ui/storage'
import { defaultColumns, type ColumnId } from './columns'
import { decodeView, encodeView, type RunsView } from './urlState'

function storageKey(experimentId: string): string {
  return `runs.columns.${experimentId}`
}

export function useRunsView(experimentId: string, keys: ExperimentKeys) {
  const [params, setParams] = useSearchParams()
  const view = useMemo(() => decodeView(params), [params])

  const update = useCallback(
    (change: Partial<RunsView>) => {
      // Functional form: two changes in one event (say, a column and a sort) must not undo each other.
      setParams((current) => encodeView({ ...decodeView(current), ...change }, current), { replace: true })
    },
    [setParams],
  )

  // Read once: the page is mounted afresh for each experiment.
  const [remembered, setRemembered] = useState(() => readStored(storageKey(experimentId), stringList))
  const columns: ColumnId[] = view.columns ?? remembered ?? defaultColumns(keys)

  const setColumns = useCallback(
    (next: ColumnId[] | null) => {
      writeStored(storageKey(experimentId), next)
      setRemembered(next)
      update({ columns: next })
    },
    [experimentId, update],
  )

  return { view, columns, update, setColumns }
}
