/** The model registry over the REST API: the model list, one model, its versions and its audit trail. */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import { artifactKeys } from '../artifacts/api'

/** Models per request; the list loads more on demand. */
export const PAGE_SIZE = 100

/** Every query key about registered models; a model's versions and history sit under its detail. */
export const modelKeys = {
  all: ['models'] as const,
  lists: () => [...modelKeys.all, 'list'] as const,
  list: (nameLike: string) => [...modelKeys.lists(), nameLike] as const,
  details: () => [...modelKeys.all, 'detail'] as const,
  detail: (name: string) => [...modelKeys.details(), name] as const,
  versions: (name: string) => [...modelKeys.detail(name), 'versions'] as const,
  version: (name: string, version: number) => [...modelKeys.versions(name), version] as const,
  history: (name: string) => [...modelKeys.detail(name), 'history'] as const,
}

/** Models whose name matches `nameLike` (every model when empty), page by page. */
export function modelPagesQuery(nameLike: string) {
  return infiniteQueryOptions({
    queryKey: modelKeys.list(nameLike),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/models', {
          params: { query: { name_like: nameLike || undefined, max_results: PAGE_SIZE, page_token: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token ?? undefined,
  })
}

export function modelQuery(name: string) {
  return queryOptions({
    queryKey: modelKeys.detail(name),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/models/{name}', { params: { path: { name } }, signal })),
  })
}

/** The model's audit trail, oldest first. */
export function modelHistoryQuery(name: string) {
  return queryOptions({
    queryKey: modelKeys.history(name),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/models/{name}/history', { params: { path: { name } }, signal })),
  })
}

/** Every version of a model, oldest first (as the API sends them). */
export function versionsQuery(name: string) {
  return queryOptions({
    queryKey: modelKeys.versions(name),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/models/{name}/versions', { params: { path: { name } }, signal })),
  })
}

export function versionQuery(name: string, version: number) {
  return queryOptions({
    queryKey: modelKeys.version(name, version),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/models/{name}/versions/{version}', { params: { path: { name, version } }, signal })),
  })
}

/** What `ref` was made from (upstream) or what was made from it (downstream), a few steps out. */
export function lineageQuery(ref: string, direction: 'upstream' | 'downstream') {
  return queryOptions({
    queryKey: ['lineage', ref, direction] as const,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/lineage', { params: { query: { ref, direction, depth: LINEAGE_DEPTH } }, signal })),
  })
}

/** How many edges out the version page follows its lineage. */
export const LINEAGE_DEPTH = 3

/** The run and the folder inside it of a version's `runs:/<run id>/<path>` source. */
export function sourceParts(source: string): { runId: string; path: string } | null {
  const match = /^runs:\/([^/]+)\/(.+)$/.exec(source)
  if (!match) return null
  return { runId: match[1] ?? '', path: (match[2] ?? '').replace(/\/+$/, '') }
}

/** Every file of the package stored at `path` in run `runId`, nested folders included, with sizes. */
export function packageFilesQuery(runId: string, path: string) {
  return queryOptions({
    queryKey: [...artifactKeys.run(runId), 'tree', path] as const,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/runs/{run_id}/artifacts', { params: { path: { run_id: runId }, query: { path, recursive: true } }, signal }),
      ),
    staleTime: 5 * 60_000,
  })
}
