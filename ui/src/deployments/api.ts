/** Deployments over the REST API: the running model servers and one deployment with its recent stats. */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'

/** Deployments per request; the list loads more on demand. */
export const PAGE_SIZE = 100

/** How often the pages ask again: a model server reports every 15 s unless told otherwise. */
export const REFRESH_MS = 15_000

/** Report windows the detail page charts: an hour at the default interval. */
export const HISTORY_WINDOWS = 240

export const deploymentKeys = {
  all: ['deployments'] as const,
  lists: () => [...deploymentKeys.all, 'list'] as const,
  detail: (name: string) => [...deploymentKeys.all, 'detail', name] as const,
}

export function deploymentPagesQuery() {
  return infiniteQueryOptions({
    queryKey: deploymentKeys.lists(),
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/api/v1/deployments', { params: { query: { max_results: PAGE_SIZE, page_token: pageParam } }, signal })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token ?? undefined,
    refetchInterval: REFRESH_MS,
  })
}

export function deploymentQuery(name: string) {
  return queryOptions({
    queryKey: deploymentKeys.detail(name),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/deployments/{name}', { params: { path: { name }, query: { windows: HISTORY_WINDOWS } }, signal }),
      ),
    refetchInterval: REFRESH_MS,
  })
}
