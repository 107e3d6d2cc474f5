/** A titled block of the run page, with optional actions at the right of its title. */
import type { ReactNode } from 'react'

import styles from './RunPage.module.css'

export function Section({ title, count, children, actions }: {
  title: string
  count?: number
  children: ReactNode
  actions?: ReactNode
}) {
  return (
    <section className={styles.section} aria-label={title}>
      <div className={styles.sectionHead}>
        <h2>
          {title} {count !== undefined && <span className="faint">{count}</span>}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  )
}

/** What a section says when it has nothing to show. */
export function None({ children }: { children: ReactNode }) {
  return <div className={styles.none}>{children}</div>
}
