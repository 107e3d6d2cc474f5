/** Datasets over the REST API: the list, one dataset, a branch's history, one version, its files, a diff. */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import type { Commit } from './format'
import { HISTORY_PAGE, nextRev } from './history'

/** Every query key about datasets; a dataset's history, versions, files and diffs sit under its detail. */
export const dataKeys = {
  all: ['data'] as const,
  lists: () => [...dataKeys.all, 'list'] as const,
  details: () => [...dataKeys.all, 'detail'] as const,
  detail: (name: string) => [...dataKeys.details(), name] as const,
  history: (name: string, rev: string) => [...dataKeys.detail(name), 'history', rev] as const,
  version: (name: string, rev: string) => [...dataKeys.detail(name), 'version', rev] as const,
  files: (name: string, commitId: string, match: string) => [...dataKeys.detail(name), 'files', commitId, match] as const,
  diff: (name: string, old: string, next: string) => [...dataKeys.detail(name), 'diff', old, next] as const,
}

/** Datasets per page of the list (the API allows up to 1,000). */
export const DATASETS_PAGE = 100

/** Every dataset by name, a page at a time. */
export function datasetsPagesQuery() {
  return infiniteQueryOptions({
    queryKey: dataKeys.lists(),
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/api/v1/datasets', { params: { query: { max_results: DATASETS_PAGE, page_token: pageParam } }, signal })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token ?? undefined,
  })
}

export function datasetQuery(name: string) {
  return queryOptions({
    queryKey: dataKeys.detail(name),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/datasets/{name}', { params: { path: { name } }, signal })),
  })
}

/** The history from `rev` back along first parents, newest first, a page at a time. */
export function historyPagesQuery(name: string, rev: string) {
  return infiniteQueryOptions({
    queryKey: dataKeys.history(name, rev),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/datasets/{name}/log', { params: { path: { name }, query: { rev: pageParam, limit: HISTORY_PAGE } }, signal }),
      ),
    initialPageParam: rev,
    getNextPageParam: (last: Commit[]) => nextRev(last),
  })
}

/** The commit `name@rev` names now (`rev` a branch, a tag, a commit id or a prefix, with `~N` or not). */
export function versionQuery(name: string, rev: string) {
  return queryOptions({
    queryKey: dataKeys.version(name, rev),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/data/resolve', { params: { query: { spec: `${name}@${rev}` } }, signal })),
  })
}

/** Entries per page of a version's files (the API allows up to 10,000). */
export const FILES_PAGE = 500

/**
 * The entries of a commit's tree whose path holds `match` (any case), sorted by path, a page at a time; the
 * server filters, so a tree of 100,000 files never crosses the network whole. A commit never changes, so
 * neither do its pages.
 */
export function filesPagesQuery(commit: Commit, match: string) {
  return infiniteQueryOptions({
    queryKey: dataKeys.files(commit.dataset, commit.commit_id, match),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/data/files', {
          params: { query: { spec: commit.ref, match, max_results: FILES_PAGE, page_token: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token ?? undefined,
    staleTime: Infinity,
  })
}

/** What changed from `name@old` to `name@next`. */
export function diffQuery(name: string, old: string, next: string) {
  return queryOptions({
    queryKey: dataKeys.diff(name, old, next),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/data/diff', { params: { query: { old: `${name}@${old}`, new: `${name}@${next}` } }, signal })),
  })
}
