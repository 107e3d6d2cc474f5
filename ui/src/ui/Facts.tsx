import type { ReactNode } from 'react'

import styles from './Facts.module.css'

/** Labelled facts about one object (where it runs, when it was made …), labels in a column of their own. */
export function Facts({ facts, label }: { facts: readonly (readonly [string, ReactNode])[]; label: string }) {
  return (
    <dl className={styles.facts} aria-label={label}>
      {facts.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}
