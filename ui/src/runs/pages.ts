import type { Run } from '../api/types'

/**
 * The runs of all loaded pages, each once. Pages are offsets into a live result: a run logged while
 * the user scrolls shifts the later pages, so a run can come back on the next page.
 */
export function flattenPages(pages: readonly { items: readonly Run[] }[] | undefined): Run[] {
  const seen = new Set<string>()
  const runs: Run[] = []
  for (const page of pages ?? []) {
    for (const run of page.items) {
      if (seen.has(run.run_id)) continue
      seen.add(run.run_id)
      runs.push(run)
    }
  }
  return runs
}
