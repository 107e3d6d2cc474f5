import type { ReactNode } from 'react'

import { cx } from './cx'
import styles from './Badge.module.css'

/** The colours a badge comes in; ``running`` also pulses its dot. */
export type BadgeTone = 'ok' | 'danger' | 'warn' | 'neutral' | 'running'

/** A small pill with a coloured dot: a run's status, a report's verdict. */
export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return <span className={cx(styles.badge, styles[tone])}>{children}</span>
}
