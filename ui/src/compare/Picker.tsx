/** A button opening a filterable checklist: which metrics to chart, which columns to draw as axes. */
import { useState } from 'react'

import { Popover } from '../ui/Popover'
import styles from './Compare.module.css'

export function Picker({ label, options, chosen, onToggle, onSet }: {
  label: string
  options: readonly string[]
  chosen: readonly string[]
  onToggle: (option: string) => void
  onSet: (options: string[]) => void
}) {
  const [filter, setFilter] = useState('')
  const needle = filter.trim().toLowerCase()
  const shown = needle ? options.filter((option) => option.toLowerCase().includes(needle)) : options
  return (
    <Popover label={`${label}: ${chosen.length} of ${options.length}`} title={`Choose ${label.toLowerCase()}`}>
      {() => (
        <div className={styles.picker}>
          <input
            type="search"
            placeholder="Filter"
            aria-label={`Filter ${label.toLowerCase()}`}
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            autoFocus
          />
          <div className={styles.pickerActions}>
            <button type="button" className={styles.linkButton} onClick={() => onSet([...new Set([...chosen, ...shown])])}>
              All{needle ? ' shown' : ''}
            </button>
            <button type="button" className={styles.linkButton} onClick={() => onSet([])}>
              None
            </button>
          </div>
          <ul className={styles.pickerList} aria-label={label}>
            {shown.map((option) => (
              <li key={option}>
                <label>
                  <input type="checkbox" checked={chosen.includes(option)} onChange={() => onToggle(option)} />
                  <span className="mono">{option}</span>
                </label>
              </li>
            ))}
            {shown.length === 0 && <li className="faint">Nothing matches.</li>}
          </ul>
        </div>
      )}
    </Popover>
  )
}
