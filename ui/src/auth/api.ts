/** What the caller may do in an experiment, as the server says (GET /experiments/{id}/access). */
import { queryOptions } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'

/** Query keys of the caller's access levels; signing out clears the whole cache, these included. */
export const accessKeys = {
  all: ['access'] as const,
  detail: (experimentId: string) => [...accessKeys.all, experimentId] as const,
}

/** Levels change only when a manager grants or revokes them, so an answer stays good for minutes. */
export function accessQuery(experimentId: string) {
  return queryOptions({
    queryKey: accessKeys.detail(experimentId),
    queryFn: () =>
      unwrap(api.GET('/api/v1/experiments/{experiment_id}/access', { params: { path: { experiment_id: experimentId } } })),
    staleTime: 5 * 60_000,
  })
}
