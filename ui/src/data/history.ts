/** Paging a dataset's history and picking two of its versions to compare. */
import type { Commit } from './format'

/** Commits per request of the history (the API allows up to 1,000). */
export const HISTORY_PAGE = 100

/**
 * The revision the next page of history starts from: the commit before the last one shown. The log has no
 * page token, but `<commit>~1` names exactly that, so a page that came back full leads to the next.
 */
export function nextRev(page: readonly Commit[]): string | undefined {
  const last = page.at(-1)
  if (page.length < HISTORY_PAGE || !last || last.parents.length === 0) return undefined
  return `${last.commit_id}~1`
}

/** Two picked commits as the diff reads them, older first, by their place in the history (newest first). */
export function diffPair(picked: readonly string[], history: readonly Commit[]): { old: string; next: string } | null {
  if (picked.length !== 2) return null
  const [first = '', second = ''] = picked
  const at = (id: string) => history.findIndex((commit) => commit.commit_id === id)
  if (at(first) < 0 || at(second) < 0) return null
  return at(first) > at(second) ? { old: first, next: second } : { old: second, next: first }
}
