/** Stored monitoring reports over the REST API: listings per experiment or run, one report, its document. */
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import { ApiError } from '../api/errors'
import type { ReportDocument } from './document'

/** Reports per request; a run rarely has more, an experiment's list loads more on demand. */
export const PAGE_SIZE = 100

export type ReportScope = { experimentId: string } | { subject: string }

/** Every query key about reports; a report's document sits under its detail, so both go together. */
export const reportKeys = {
  all: ['reports'] as const,
  lists: () => [...reportKeys.all, 'list'] as const,
  list: (scope: ReportScope) => [...reportKeys.lists(), scope] as const,
  details: () => [...reportKeys.all, 'detail'] as const,
  detail: (reportId: string) => [...reportKeys.details(), reportId] as const,
  document: (reportId: string) => [...reportKeys.detail(reportId), 'document'] as const,
}

function scopeQuery(scope: ReportScope) {
  return 'experimentId' in scope ? { experiment_id: scope.experimentId } : { subject: scope.subject }
}

/** Newest first, page by page. */
function reportPagesQuery(scope: ReportScope) {
  return infiniteQueryOptions({
    queryKey: reportKeys.list(scope),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/reports', {
          params: { query: { ...scopeQuery(scope), max_results: PAGE_SIZE, page_token: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token ?? undefined,
  })
}

export function useReportPages(scope: ReportScope) {
  return useInfiniteQuery(reportPagesQuery(scope))
}

function reportQuery(reportId: string) {
  return queryOptions({
    queryKey: reportKeys.detail(reportId),
    queryFn: () => unwrap(api.GET('/api/v1/reports/{report_id}', { params: { path: { report_id: reportId } } })),
  })
}

export function useReport(reportId: string) {
  return useQuery(reportQuery(reportId))
}

/** The whole document; a stored report never changes, so it is fetched once. */
function reportDocumentQuery(reportId: string) {
  return queryOptions({
    queryKey: reportKeys.document(reportId),
    queryFn: async ({ signal }): Promise<ReportDocument> =>
      // The schema marks fields with defaults optional; the server always sends them (see document.ts).
      (await unwrap(api.GET('/api/v1/reports/{report_id}/document', { params: { path: { report_id: reportId } }, signal }))) as ReportDocument,
    staleTime: Infinity,
    retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
  })
}

export function useReportDocument(reportId: string) {
  return useQuery(reportDocumentQuery(reportId))
}

export function useDeleteReport() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (reportId: string) => unwrap(api.DELETE('/api/v1/reports/{report_id}', { params: { path: { report_id: reportId } } })),
    onSettled: () => client.invalidateQueries({ queryKey: reportKeys.lists() }),
  })
}
