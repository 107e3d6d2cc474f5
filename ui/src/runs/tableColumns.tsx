/** The runs table's columns: fixed ones first, then the params, metrics and tags the user chose. */
import type { ReactNode } from 'react'
import { Link } from 'react-router'

import type { Run } from '../api/types'
import { formatDuration, formatIso, formatMetric, formatRelative } from '../ui/format'
import { cellValue, parseColumnId, type ColumnId } from './columns'
import { DeletedBadge, StatusBadge } from './StatusBadge'
import styles from './RunsTable.module.css'

export interface CellContext {
  now: number
  relativeTime: boolean
}

export interface TableColumn {
  /** A ColumnId when the server can sort by it. */
  id: string
  label: string
  /** Shown small beside the label: which entity a user column comes from. */
  hint?: string
  width: number
  sortable: boolean
  /** Direction of the first click: newest and largest first for times and metrics. */
  firstDesc: boolean
  numeric: boolean
  render: (run: Run, context: CellContext) => ReactNode
  /** Full text for the tooltip, when the cell may be cut. */
  title?: (run: Run) => string | undefined
}

const HINT = { metrics: 'metric', params: 'param', tags: 'tag', attributes: 'attr' } as const

const FIXED: TableColumn[] = [
  {
    id: 'attributes.status',
    label: 'Status',
    width: 104,
    sortable: true,
    firstDesc: false,
    numeric: false,
    render: (run) => (run.lifecycle_stage === 'deleted' ? <DeletedBadge /> : <StatusBadge status={run.status} />),
  },
  {
    id: 'attributes.run_name',
    label: 'Run',
    width: 240,
    sortable: true,
    firstDesc: false,
    numeric: false,
    render: (run) => (
      <Link to={`/experiments/${run.experiment_id}/runs/${run.run_id}`} className={styles.runLink} tabIndex={-1}>
        {run.run_name || <span className="mono">{run.run_id.slice(0, 12)}</span>}
      </Link>
    ),
    title: (run) => `${run.run_name}\n${run.run_id}`,
  },
  {
    id: 'attributes.start_time',
    label: 'Started',
    width: 150,
    sortable: true,
    firstDesc: true,
    numeric: false,
    render: (run, { now, relativeTime }) => (
      <span className={relativeTime ? undefined : 'mono'}>{relativeTime ? formatRelative(run.start_time, now) : formatIso(run.start_time)}</span>
    ),
    title: (run) => new Date(run.start_time).toISOString(),
  },
  {
    id: 'duration',
    label: 'Duration',
    width: 92,
    sortable: false,
    firstDesc: true,
    numeric: true,
    render: (run, { now }) => formatDuration((run.end_time ?? (run.status === 'RUNNING' ? now : run.start_time)) - run.start_time),
  },
  {
    id: 'attributes.user_id',
    label: 'User',
    width: 110,
    sortable: true,
    firstDesc: false,
    numeric: false,
    render: (run) => run.user_id,
    title: (run) => run.user_id,
  },
]

function userColumn(id: ColumnId): TableColumn | null {
  const ref = parseColumnId(id)
  if (!ref) return null
  const numeric = ref.entity === 'metrics'
  return {
    id,
    label: ref.key,
    hint: HINT[ref.entity],
    // Wide enough for the entity hint, a typical key and the sort arrow together.
    width: numeric ? 140 : 148,
    sortable: true,
    firstDesc: numeric,
    numeric,
    render: (run) => {
      const value = cellValue(run, ref)
      if (value === null) return <span className={styles.missing}>–</span>
      return numeric ? formatMetric(value) : String(value)
    },
    title: (run) => {
      const value = cellValue(run, ref)
      return value === null ? undefined : String(value)
    },
  }
}

export function buildColumns(chosen: readonly ColumnId[]): TableColumn[] {
  return [...FIXED, ...chosen.map(userColumn).filter((column): column is TableColumn => column !== null)]
}

/** Sort cycle of a header click: first direction, then the other, then no sort. */
export function nextSort(column: TableColumn, current: { column: string; desc: boolean } | null) {
  if (current?.column !== column.id) return { column: column.id, desc: column.firstDesc }
  if (current.desc === column.firstDesc) return { column: column.id, desc: !current.desc }
  return null
}
