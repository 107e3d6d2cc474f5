/** The jump box's request: a few runs whose name or id matches what was typed, in any readable experiment. */
import { queryOptions, useQuery } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import { runKeys } from '../runs/api'

/** Runs to offer for `filter` (null: nothing typed that could name a run). */
function jumpRunsQuery(filter: string | null, experimentIds: string[] | undefined) {
  return queryOptions({
    queryKey: runKeys.jump(filter, experimentIds),
    queryFn: () =>
      unwrap(
        api.POST('/api/v1/runs/search', { body: { experiment_ids: experimentIds ?? [], filter: filter ?? '', max_results: 8 } }),
      ),
    enabled: filter !== null && experimentIds !== undefined && experimentIds.length > 0,
    // Typing back and forth over the same letters reuses the answers for a while.
    staleTime: 10_000,
  })
}

export function useJumpRuns(filter: string | null, experimentIds: string[] | undefined) {
  return useQuery(jumpRunsQuery(filter, experimentIds))
}
