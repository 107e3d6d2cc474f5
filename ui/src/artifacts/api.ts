/** A run's artifacts: folder listings, file facts, table previews and the head of text files. */
import { queryOptions, useQuery } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import { ApiError } from '../api/errors'
import { artifactUrl } from './paths'

/** Text previews read at most this much of a file (one Range request), never the whole of a large one. */
export const TEXT_PREVIEW_BYTES = 256 * 1024
export const TABLE_PREVIEW_ROWS = 200

/** Every query key about artifacts, under the run they belong to. */
export const artifactKeys = {
  all: ['artifacts'] as const,
  run: (runId: string) => [...artifactKeys.all, runId] as const,
  list: (runId: string, path: string) => [...artifactKeys.run(runId), 'list', path] as const,
  info: (runId: string, path: string) => [...artifactKeys.run(runId), 'info', path] as const,
  preview: (runId: string, path: string, maxRows: number) => [...artifactKeys.run(runId), 'preview', path, maxRows] as const,
  text: (runId: string, path: string) => [...artifactKeys.run(runId), 'text', path] as const,
}

export function useArtifactList(runId: string, path: string, enabled = true) {
  return useQuery({ ...artifactListQuery(runId, path), enabled })
}

function artifactListQuery(runId: string, path: string) {
  return queryOptions({
    queryKey: artifactKeys.list(runId, path),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/runs/{run_id}/artifacts', { params: { path: { run_id: runId }, query: { path } }, signal })),
  })
}

export function useArtifactInfo(runId: string, path: string) {
  return useQuery(artifactInfoQuery(runId, path))
}

function artifactInfoQuery(runId: string, path: string) {
  return queryOptions({
    queryKey: artifactKeys.info(runId, path),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/runs/{run_id}/artifact-info', { params: { path: { run_id: runId }, query: { path } }, signal })),
    enabled: path !== '',
  })
}

export function useTablePreview(runId: string, path: string) {
  return useQuery(tablePreviewQuery(runId, path))
}

function tablePreviewQuery(runId: string, path: string) {
  return queryOptions({
    queryKey: artifactKeys.preview(runId, path, TABLE_PREVIEW_ROWS),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/runs/{run_id}/artifact-preview', {
          params: { path: { run_id: runId }, query: { path, max_rows: TABLE_PREVIEW_ROWS } },
          signal,
        }),
      ),
    staleTime: 5 * 60_000,
  })
}

export interface TextHead {
  text: string
  /** True when `text` is the whole file. */
  complete: boolean
  /** The file's size in bytes, from Content-Range (or the body when the server sent it all). */
  size: number
}

/** The first TEXT_PREVIEW_BYTES of a file, decoded as UTF-8 (a character cut at the end is dropped). */
export async function fetchTextHead(runId: string, path: string, signal?: AbortSignal): Promise<TextHead> {
  let response: Response
  try {
    response = await fetch(artifactUrl(runId, path), {
      headers: { Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` },
      credentials: 'same-origin',
      signal,
    })
  } catch (cause) {
    if (signal?.aborted) throw cause
    throw ApiError.network(cause)
  }
  if (response.status === 416) return { text: '', complete: true, size: 0 }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null)
    throw ApiError.fromBody(response.status, body)
  }
  const bytes = await response.arrayBuffer()
  const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1]
  const size = total === undefined ? bytes.byteLength : Number(total)
  const complete = bytes.byteLength >= size
  const text = new TextDecoder('utf-8').decode(bytes, { stream: !complete })
  return { text, complete, size }
}

export function useTextHead(runId: string, path: string) {
  return useQuery(textHeadQuery(runId, path))
}

function textHeadQuery(runId: string, path: string) {
  return queryOptions({
    queryKey: artifactKeys.text(runId, path),
    queryFn: ({ signal }) => fetchTextHead(runId, path, signal),
    staleTime: 5 * 60_000,
  })
}
