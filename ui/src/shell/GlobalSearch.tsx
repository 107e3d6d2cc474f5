/** The header's jump box: type an experiment name, a run name or a run id prefix; Ctrl/⌘+K focuses it. */
import { useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { useNavigate } from 'react-router'

import { useExperiments } from '../experiments/api'
import { useDebounced } from '../ui/useDebounced'
import { useJumpRuns } from './api'
import { experimentTargets, runFilter, runTargets, type Target } from './globalSearch'
import styles from './Shell.module.css'

const MAX_EXPERIMENT_IDS = 10_000

export function GlobalSearch() {
  const navigate = useNavigate()
  const input = useRef<HTMLInputElement>(null)
  const listId = useId()
  const [query, setQuery] = useState('')
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(0)
  const experiments = useExperiments().data
  const debounced = useDebounced(query, 200)
  const filter = runFilter(debounced)
  const ids = useMemo(() => experiments?.slice(0, MAX_EXPERIMENT_IDS).map((e) => e.experiment_id), [experiments])

  const runs = useJumpRuns(filter, ids)

  const targets: Target[] = useMemo(
    () => [...experimentTargets(experiments ?? [], query), ...(filter !== null ? runTargets(runs.data?.items ?? [], experiments ?? []) : [])],
    [experiments, query, filter, runs.data],
  )

  // A layout effect, not a passive one: the shortcut must work from the first painted frame, and passive
  // effects run only after paint, leaving a moment where the box is on screen but deaf to Ctrl/⌘+K.
  useLayoutEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault()
        input.current?.focus()
        input.current?.select()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  const go = (target: Target | undefined) => {
    if (!target) return
    setOpen(false)
    setQuery('')
    input.current?.blur()
    void navigate(target.path)
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      setActive((i) => (targets.length === 0 ? 0 : (i + step + targets.length) % targets.length))
    } else if (event.key === 'Enter') {
      go(targets[active])
    } else if (event.key === 'Escape') {
      setOpen(false)
      input.current?.blur()
    }
  }

  const showList = open && query.trim() !== ''
  const searching = filter !== null && (runs.isFetching || debounced !== query)
  return (
    <div className={styles.search}>
      <input
        ref={input}
        type="search"
        placeholder="Jump to an experiment, a run name or a run id"
        aria-label="Jump to an experiment or run"
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && targets[active] ? `${listId}-${active}` : undefined}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value)
          setActive(0)
          setOpen(true)
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {!showList && (
        <span className={styles.searchKey}>
          <kbd>Ctrl</kbd> <kbd>K</kbd>
        </span>
      )}
      {showList && (
        <ul className={styles.results} id={listId} role="listbox">
          {targets.map((target, index) => (
            <li
              key={`${target.kind}:${target.path}`}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className={styles.result}
              onMouseEnter={() => setActive(index)}
              onMouseDown={(event) => {
                event.preventDefault()
                go(target)
              }}
            >
              <span>{target.label}</span>
              <span className={styles.resultKind}>
                {target.kind === 'run' ? <span className="mono">{target.detail}</span> : target.detail}
              </span>
            </li>
          ))}
          {targets.length === 0 && <li className={styles.noResult}>{searching ? 'Searching runs…' : 'Nothing matches.'}</li>}
        </ul>
      )}
    </div>
  )
}
