/** Empty, error and loading states: each says what happened and what to do next. */
import type { ReactNode } from 'react'

import { ApiError } from '../api/errors'
import { Button } from './Button'
import { cx } from './cx'
import styles from './State.module.css'

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className={styles.state}>
      <div className={styles.title}>{title}</div>
      {children && <div className={styles.detail}>{children}</div>}
    </div>
  )
}

/** What a person can do about an error, by its kind. */
function advice(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Reload the page; if it happens again, the server log has the details.'
  if (error.status === 0) return 'Check that `tether server` is running and reachable, then retry.'
  if (error.status === 403) return 'Ask an admin or a manager of this experiment for access.'
  if (error.status === 404) return 'It may have been deleted, or the link is wrong.'
  if (error.status >= 500) return 'The server failed; its log has the details. Retrying may help.'
  return ''
}

export function ErrorState({ error, title = 'Something went wrong', onRetry }: {
  error: unknown
  title?: string
  onRetry?: () => void
}) {
  const message = error instanceof ApiError ? error.summary : error instanceof Error ? error.message : String(error)
  const hint = advice(error)
  return (
    <div role="alert" className={cx(styles.state, styles.error)}>
      <div className={styles.title}>{title}</div>
      <div className={styles.detail}>{message}</div>
      {hint && <div className={styles.detail}>{hint}</div>}
      {error instanceof ApiError && <div className={styles.code}>{error.code}</div>}
      {onRetry && <Button onClick={onRetry}>Retry</Button>}
    </div>
  )
}

export function Spinner({ label }: { label?: string }) {
  return <span className={styles.spinner} role="status" aria-label={label ?? 'Loading'} />
}

export function Loading({ what }: { what: string }) {
  return (
    <div className={styles.loading}>
      <Spinner label={`Loading ${what}`} /> Loading {what}…
    </div>
  )
}
