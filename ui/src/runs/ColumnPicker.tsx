/** Choose the table's param, metric and tag columns, with a search for experiments with many keys. */
import { useState } from 'react'

import type { ExperimentKeys } from '../api/types'
import { Button } from '../ui/Button'
import { formatCount } from '../ui/format'
import { Popover } from '../ui/Popover'
import styles from './ColumnPicker.module.css'
import { pickerSections, toggleColumn } from './columnChoice'
import { columnId, type ColumnId } from './columns'

interface Props {
  keys: ExperimentKeys
  columns: readonly ColumnId[]
  onChange: (columns: ColumnId[]) => void
  onReset: () => void
}

export function ColumnPickerPanel({ keys, columns, onChange, onReset }: Props) {
  const [query, setQuery] = useState('')
  const sections = pickerSections(keys, query)
  const total = keys.metrics.length + keys.params.length + keys.tags.length
  return (
    <div className={styles.panel}>
      <div className={styles.search}>
        <input type="search" autoFocus placeholder="Search keys" aria-label="Search keys" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <div className={styles.sections}>
        {sections.map((section) => (
          <section key={section.entity} aria-label={section.title}>
            <div className={styles.title}>
              <span>{section.title}</span>
            </div>
            {section.keys.map((key) => (
              <label key={key} className={styles.option} title={key}>
                <input
                  type="checkbox"
                  checked={columns.includes(columnId(section.entity, key))}
                  onChange={() => onChange(toggleColumn(columns, section.entity, key))}
                />
                {key}
              </label>
            ))}
            {section.hidden > 0 && <div className={styles.note}>{formatCount(section.hidden)} more: refine the search</div>}
          </section>
        ))}
        {sections.length === 0 && (
          <div className={styles.note}>{total === 0 ? 'No params, metrics or tags logged yet.' : `No key matches “${query}”.`}</div>
        )}
      </div>
      <div className={styles.footer}>
        <Button size="small" variant="ghost" onClick={onReset}>
          Default columns
        </Button>
        <Button size="small" variant="ghost" disabled={columns.length === 0} onClick={() => onChange([])}>
          Hide all
        </Button>
      </div>
    </div>
  )
}

export function ColumnPicker(props: Props) {
  return (
    <Popover label={`Columns · ${props.columns.length}`} title="Choose the param, metric and tag columns">
      {() => <ColumnPickerPanel {...props} />}
    </Popover>
  )
}
