/**
 * Tabs whose choice lives in the URL (?tab=…), so every view is a link. Arrow keys, Home and End move
 * between tabs (the WAI-ARIA tabs pattern, with automatic activation).
 */
import { useCallback, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { useSearchParams } from 'react-router'

import { cx } from '../ui/cx'
import styles from './Tabs.module.css'

export interface TabSpec<T extends string> {
  id: T
  label: ReactNode
}

/** The tab named by ?tab=, or the first when it names none of `ids`. */
export function useUrlTab<T extends string>(ids: readonly T[], name = 'tab'): [T, (tab: T) => void] {
  const [params, setParams] = useSearchParams()
  const raw = params.get(name)
  const first = ids[0] as T
  const current = ids.find((id) => id === raw) ?? first
  const select = useCallback(
    (tab: T) => {
      setParams((previous) => {
        const next = new URLSearchParams(previous)
        if (tab === first) next.delete(name)
        else next.set(name, tab)
        return next
      })
    },
    [setParams, name, first],
  )
  return [current, select]
}

export function Tabs<T extends string>({ tabs, current, onSelect, label, idPrefix }: {
  tabs: readonly TabSpec<T>[]
  current: T
  onSelect: (tab: T) => void
  label: string
  idPrefix: string
}) {
  const list = useRef<HTMLDivElement>(null)
  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.id === current)
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }
    const target = moves[event.key]
    if (target === undefined) return
    event.preventDefault()
    const next = tabs[(target + tabs.length) % tabs.length]
    if (!next) return
    onSelect(next.id)
    list.current?.querySelector<HTMLElement>(`#${CSS.escape(`${idPrefix}-tab-${next.id}`)}`)?.focus()
  }
  return (
    <div className={styles.tabs} role="tablist" aria-label={label} ref={list} onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const selected = tab.id === current
        return (
          <button
            key={tab.id}
            id={`${idPrefix}-tab-${tab.id}`}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={selected ? 0 : -1}
            className={cx(styles.tab, selected && styles.selected)}
            onClick={() => onSelect(tab.id)}
          >
            {tab.label}
          </button>
        )
      })}
    </div>
  )
}

export function TabPanel({ idPrefix, current, children }: { idPrefix: string; current: string; children: ReactNode }) {
  return (
    <div id={`${idPrefix}-panel`} role="tabpanel" aria-labelledby={`${idPrefix}-tab-${current}`} className={styles.panel}>
      {children}
    </div>
  )
}
