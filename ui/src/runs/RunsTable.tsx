/**
 * The runs grid: only the rows in view are in the DOM (@tanstack/react-virtual), so 100,000 runs scroll
 * like 100; the next page is asked for while the last loaded rows are still below the fold.
 *
 * Keyboard: j/k or arrows move, Enter opens (or folds a group), x or Space selects, Shift+x a range.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react'

import type { Run } from '../api/types'
import { cx } from '../ui/cx'
import { formatCount } from '../ui/format'
import { cursorMove, isTyping, moveCursor } from '../ui/keys'
import { Spinner } from '../ui/State'
import type { Sort } from './columns'
import type { Row } from './grouping'
import styles from './RunsTable.module.css'
import { nextSort, type CellContext, type TableColumn } from './tableColumns'

const ROW_HEIGHT = 34
const HEAD_HEIGHT = 32
const CHECK_WIDTH = 36
/** Ask for the next page when the view comes this close to the last loaded row. */
const PREFETCH_ROWS = 100

interface Props {
  rows: readonly Row[]
  columns: readonly TableColumn[]
  context: CellContext
  sort: Sort | null
  onSort: (sort: Sort | null) => void
  groupLabel: string | null
  selected: ReadonlySet<string>
  /** Every loaded run is selected (true), some are ('some'), or none (false). */
  allSelected: boolean | 'some'
  onSelect: (runId: string, range: boolean) => void
  onSelectAll: (on: boolean) => void
  onToggleGroup: (groupId: string) => void
  onOpen: (run: Run) => void
  hasMore: boolean
  loadingMore: boolean
  onLoadMore: () => void
  /** The rows shown are the previous query's while a new one loads. */
  stale: boolean
}

function shiftKey(event: { nativeEvent: Event }): boolean {
  return 'shiftKey' in event.nativeEvent && event.nativeEvent.shiftKey === true
}

export function RunsTable(props: Props) {
  const { rows, columns, context, sort, selected, hasMore, loadingMore, onLoadMore } = props
  const scroller = useRef<HTMLDivElement>(null)
  const [cursor, setCursor] = useState(-1)
  const count = rows.length + (hasMore ? 1 : 0)

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEAD_HEIGHT,
    scrollPaddingStart: HEAD_HEIGHT,
  })
  const items = virtualizer.getVirtualItems()
  const lastIndex = items.length > 0 ? (items[items.length - 1]?.index ?? 0) : 0

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - PREFETCH_ROWS) onLoadMore()
  }, [lastIndex, rows.length, hasMore, loadingMore, onLoadMore])

  const template = `${CHECK_WIDTH}px ${columns.map((c, i) => (i === columns.length - 1 ? `minmax(${c.width}px, 1fr)` : `${c.width}px`)).join(' ')}`
  const width = CHECK_WIDTH + columns.reduce((sum, c) => sum + c.width, 0)
  const rowStyle = (start?: number): CSSProperties => ({
    gridTemplateColumns: template,
    transform: start === undefined ? undefined : `translateY(${start - HEAD_HEIGHT}px)`,
  })

  const at = Math.min(cursor, rows.length - 1)
  const moveTo = (index: number) => {
    setCursor(index)
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' })
  }

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return
    const move = cursorMove(event.key)
    if (move) {
      event.preventDefault()
      moveTo(moveCursor(at, move, rows.length))
      return
    }
    const row = rows[at]
    if (!row) return
    if (event.key === 'Enter') {
      event.preventDefault()
      if (row.kind === 'run') props.onOpen(row.run)
      else props.onToggleGroup(row.id)
    } else if ((event.key === 'x' || event.key === 'X' || event.key === ' ') && row.kind === 'run') {
      event.preventDefault()
      props.onSelect(row.run.run_id, event.shiftKey)
    }
  }

  return (
    <div
      ref={scroller}
      className={cx(styles.scroller, props.stale && styles.stale)}
      tabIndex={0}
      role="grid"
      aria-label="Runs"
      aria-rowcount={rows.length + 1}
      aria-busy={props.stale || loadingMore}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (cursor < 0 && rows.length > 0) setCursor(0)
      }}
    >
      <div style={{ minWidth: width }}>
        <div className={cx(styles.row, styles.head)} role="row" style={rowStyle()}>
          <div className={cx(styles.cell, styles.check)} role="columnheader">
            <input
              type="checkbox"
              aria-label="Select all loaded runs"
              checked={props.allSelected === true}
              ref={(box) => {
                if (box) box.indeterminate = props.allSelected === 'some'
              }}
              onChange={(event) => props.onSelectAll(event.target.checked)}
            />
          </div>
          {columns.map((column) => {
            const sorted = sort?.column === column.id ? sort : null
            const label = (
              <>
                {column.hint && <span className={styles.hint}>{column.hint}</span>}
                <span className={styles.headLabel}>{column.label}</span>
                {sorted && <span aria-hidden="true">{sorted.desc ? '↓' : '↑'}</span>}
              </>
            )
            const ariaSort = sorted ? (sorted.desc ? 'descending' : 'ascending') : undefined
            const className = cx(styles.headCell, column.numeric && styles.numericHead, sorted && styles.sorted)
            return column.sortable ? (
              <button
                key={column.id}
                type="button"
                role="columnheader"
                aria-sort={ariaSort}
                className={className}
                title={`Sort by ${column.id}`}
                tabIndex={-1}
                onClick={() => props.onSort(nextSort(column, sort))}
              >
                {label}
              </button>
            ) : (
              <div key={column.id} role="columnheader" className={className}>
                {label}
              </div>
            )
          })}
        </div>
        <div className={styles.body} style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index]
            if (!row) {
              return (
                <div key="loading" className={cx(styles.row, styles.loadingRow)} style={{ transform: `translateY(${item.start - HEAD_HEIGHT}px)` }}>
                  <Spinner /> Loading more runs…
                </div>
              )
            }
            if (row.kind === 'group') {
              return (
                <div
                  key={`group:${row.id}`}
                  role="row"
                  aria-expanded={!row.collapsed}
                  className={cx(styles.row, styles.group, row.collapsed && styles.collapsed, item.index === at && styles.cursor)}
                  style={{ transform: `translateY(${item.start - HEAD_HEIGHT}px)` }}
                  onClick={() => {
                    setCursor(item.index)
                    props.onToggleGroup(row.id)
                  }}
                >
                  <span className={styles.chevron} aria-hidden="true">
                    ▾
                  </span>
                  <span className="faint">{props.groupLabel}</span>
                  <span className={styles.groupValue}>{row.value ?? <span className="faint">(not set)</span>}</span>
                  <span className={styles.groupCount}>{formatCount(row.count)} loaded</span>
                </div>
              )
            }
            const run = row.run
            const isSelected = selected.has(run.run_id)
            return (
              <div
                key={run.run_id}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                data-run-id={run.run_id}
                className={cx(
                  styles.row,
                  isSelected && styles.selected,
                  item.index === at && styles.cursor,
                  run.lifecycle_stage === 'deleted' && styles.deleted,
                )}
                style={rowStyle(item.start)}
                onClick={() => setCursor(item.index)}
              >
                <div className={cx(styles.cell, styles.check)} role="gridcell">
                  <input
                    type="checkbox"
                    tabIndex={-1}
                    aria-label={`Select ${run.run_name || run.run_id}`}
                    checked={isSelected}
                    onChange={(event) => props.onSelect(run.run_id, shiftKey(event))}
                  />
                </div>
                {columns.map((column) => (
                  <div
                    key={column.id}
                    role="gridcell"
                    className={cx(styles.cell, column.numeric && styles.numeric, column.hint !== undefined && !column.numeric && styles.text)}
                    title={column.title?.(run)}
                  >
                    {column.render(run, context)}
                  </div>
                ))}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
