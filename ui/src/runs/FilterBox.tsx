/**
 * The runs filter, in the search grammar. It suggests keys as they are typed (after `metrics.`,
 * `params.`, `tags.`, `attributes.`), applies the filter once typing pauses, and marks the token a
 * refused filter stumbled on, at the position the server reported.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'

import type { ExperimentKeys } from '../api/types'
import { cx } from '../ui/cx'
import { isTyping } from '../ui/keys'
import styles from './FilterBox.module.css'
import { suggest, tokenSpan, type Suggestions } from './filterSyntax'

export interface FilterError {
  message: string
  /** 0-based offset into the filter; -1 when the server could not say. */
  position: number
}

interface Props {
  /** The applied filter (from the URL). */
  value: string
  onChange: (filter: string) => void
  keys: ExperimentKeys
  /** Why the applied filter was refused, if it was. */
  error: FilterError | null
  debounceMs?: number
}

export function FilterBox({ value, onChange, keys, error, debounceMs = 350 }: Props) {
  const [draft, setDraft] = useState(value)
  const [caret, setCaret] = useState(value.length)
  const [focused, setFocused] = useState(false)
  const [dismissed, setDismissed] = useState(false)
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const mirror = useRef<HTMLDivElement>(null)
  // The filter this box last applied, to tell its own change coming back from one made elsewhere.
  const [applied, setApplied] = useState(value)
  const [seen, setSeen] = useState(value)
  const pendingCaret = useRef<number | null>(null)
  const menuId = useId()

  // A new filter from outside (back button, a link): show it, unless it is what this box just applied.
  if (value !== seen) {
    setSeen(value)
    if (value !== applied) {
      setApplied(value)
      setDraft(value)
    }
  }

  useEffect(() => {
    if (draft === applied) return
    const timer = window.setTimeout(() => {
      setApplied(draft)
      onChange(draft)
    }, debounceMs)
    return () => window.clearTimeout(timer)
  }, [draft, applied, onChange, debounceMs])

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === '/' && !isTyping(event) && !event.ctrlKey && !event.metaKey) {
        event.preventDefault()
        input.current?.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  useEffect(() => {
    if (pendingCaret.current !== null && input.current) {
      input.current.setSelectionRange(pendingCaret.current, pendingCaret.current)
      pendingCaret.current = null
    }
    if (mirror.current && input.current) mirror.current.scrollLeft = input.current.scrollLeft
  })

  const menu: Suggestions | null = focused && !dismissed ? suggest(draft, caret, keys) : null
  const shownError = error && draft === value ? error : null
  const span = shownError && shownError.position >= 0 ? tokenSpan(draft, shownError.position) : null

  const apply = (next: string) => {
    setApplied(next)
    onChange(next)
  }

  const accept = (menuNow: Suggestions, index: number) => {
    const item = menuNow.items[index]
    if (!item) return
    const next = draft.slice(0, menuNow.from) + item.insert + draft.slice(menuNow.to)
    const position = menuNow.from + item.insert.length
    pendingCaret.current = position
    setDraft(next)
    setCaret(position)
    setActive(0)
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const count = menu?.items.length ?? 0
    if (menu && count > 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault()
      setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : -1) + count) % count)
    } else if (menu && count > 0 && (event.key === 'Tab' || event.key === 'Enter')) {
      event.preventDefault()
      accept(menu, Math.min(active, count - 1))
    } else if (event.key === 'Enter') {
      apply(draft)
    } else if (event.key === 'Escape') {
      if (menu) setDismissed(true)
      else input.current?.blur()
    }
  }

  const syncCaret = () => {
    const element = input.current
    if (!element) return
    setCaret(element.selectionStart ?? element.value.length)
    if (mirror.current) mirror.current.scrollLeft = element.scrollLeft
  }

  const items = menu?.items ?? []
  const activeIndex = Math.min(active, Math.max(0, items.length - 1))
  return (
    <div className={cx(styles.box, shownError && styles.invalid)}>
      <div className={styles.field}>
        <svg className={styles.icon} width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" aria-hidden="true">
          <path d="M3 5h18l-7 8v6l-4 2v-8z" />
        </svg>
        <div ref={mirror} className={styles.mirror} aria-hidden="true" data-testid="filter-mirror">
          {span ? (
            <>
              {draft.slice(0, span.start)}
              {span.end > span.start ? (
                <mark className={styles.mark} data-testid="filter-error-mark">
                  {draft.slice(span.start, span.end)}
                </mark>
              ) : (
                <span className={styles.markEnd} data-testid="filter-error-mark" />
              )}
              {draft.slice(span.end)}
            </>
          ) : (
            draft
          )}
        </div>
        <input
          ref={input}
          className={styles.input}
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="Filter runs: metrics.auc > 0.9 and params.model = 'rf'"
          aria-label="Filter runs"
          role="combobox"
          aria-expanded={items.length > 0}
          aria-controls={menuId}
          aria-autocomplete="list"
          aria-invalid={shownError ? true : undefined}
          aria-describedby={shownError ? `${menuId}-error` : undefined}
          aria-activedescendant={items.length > 0 ? `${menuId}-${activeIndex}` : undefined}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value)
            setCaret(event.target.selectionStart ?? event.target.value.length)
            setDismissed(false)
            setActive(0)
          }}
          onSelect={syncCaret}
          onScroll={syncCaret}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          onKeyDown={onKeyDown}
        />
        {draft && (
          <button
            type="button"
            className={styles.clear}
            aria-label="Clear the filter"
            onClick={() => {
              setDraft('')
              apply('')
              input.current?.focus()
            }}
          >
            ×
          </button>
        )}
      </div>
      {items.length > 0 && (
        <ul className={styles.menu} id={menuId} role="listbox" aria-label="Suggestions">
          {items.map((item, index) => (
            <li
              key={item.insert}
              id={`${menuId}-${index}`}
              role="option"
              aria-selected={index === activeIndex}
              className={styles.option}
              onMouseEnter={() => setActive(index)}
              onMouseDown={(event) => {
                event.preventDefault()
                if (menu) accept(menu, index)
              }}
            >
              <span>{item.label}</span>
              <span className={styles.optionDetail}>{item.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {shownError && (
        <div id={`${menuId}-error`} role="alert" className={styles.error}>
          {shownError.message}
        </div>
      )}
    </div>
  )
}
