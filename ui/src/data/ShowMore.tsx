/** Long lists (a tree of 100,000 files, a diff as large) draw a bounded number of rows, more on demand. */
import { useState } from 'react'

import { Button } from '../ui/Button'
import { formatCount } from '../ui/format'
import styles from './Data.module.css'

/** Rows drawn at first, and added by each "Show more". */
export const SHOWN_STEP = 500

/** How many rows to draw, and a way to draw more. */
export function useShown(): [number, () => void] {
  const [shown, setShown] = useState(SHOWN_STEP)
  return [shown, () => setShown((now) => now + SHOWN_STEP)]
}

export function ShowMore({ shown, total, onMore }: { shown: number; total: number; onMore: () => void }) {
  if (shown >= total) return null
  return (
    <div className={styles.more}>
      Showing {formatCount(shown)} of {formatCount(total)}.
      <Button size="small" onClick={onMore}>
        Show {formatCount(Math.min(SHOWN_STEP, total - shown))} more
      </Button>
    </div>
  )
}

/** The next page of a list the server pages (its length is not known until the last page came). */
export function MorePages({ shown, more, loading, onMore }: { shown: number; more: boolean; loading: boolean; onMore: () => void }) {
  if (!more) return null
  return (
    <div className={styles.more}>
      Showing the first {formatCount(shown)}.
      <Button size="small" onClick={onMore} disabled={loading}>
        {loading ? 'Loading…' : 'Show more'}
      </Button>
    </div>
  )
}
