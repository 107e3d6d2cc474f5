/** A run's artifacts: folder listings, file facts, table previews and the head of text files. */
import { queryOptions, useQuery } from '@tanstack/react-query'

import { api, unwrap } from '../api/client'
import { ApiError } from '../api/errors'
import { imageSize } from './imageSize'
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

export interface Head {
  bytes: Uint8Array
  /** True when `bytes` is the whole file. */
  complete: boolean
  /** The file's size in bytes, from Content-Range (or the body when the server sent it all). */
  size: number
}

export interface TextHead {
  text: string
  complete: boolean
  size: number
}

/** Images are shown inline up to this size; larger ones are offered as a download. */
export const IMAGE_PREVIEW_BYTES = 20 * 1024 * 1024
/** Nor is an image shown that declares more pixels than this (200 MB once the browser decodes it). */
export const IMAGE_PREVIEW_PIXELS = 50_000_000
/** What is read of an image to learn its pixel size before the browser decodes it. */
export const IMAGE_HEAD_BYTES = 64 * 1024

/**
 * The first `limit` bytes of a file, asked for with one Range request and read from the body only that
 * far, so even a server (or proxy) that ignores Range and sends the whole file costs no more.
 */
export async function fetchHead(runId: string, path: string, limit: number, signal?: AbortSignal): Promise<Head> {
  let response: Response
  try {
    response = await fetch(artifactUrl(runId, path), {
      headers: { Range: `bytes=0-${limit - 1}` },
      credentials: 'same-origin',
      signal,
    })
  } catch (cause) {
    if (signal?.aborted) throw cause
    throw ApiError.network(cause)
  }
  if (response.status === 416) return { bytes: new Uint8Array(), complete: true, size: 0 }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null)
    throw ApiError.fromBody(response.status, body)
  }
  const bytes = await readAtMost(response, limit)
  const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1]
  const declared = Number(total ?? response.headers.get('content-length') ?? Number.NaN)
  const size = Number.isFinite(declared) ? declared : bytes.byteLength
  return { bytes, complete: bytes.byteLength >= size, size }
}

/** At most `limit` bytes of a response's body; the rest is never downloaded (the stream is cancelled). */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer()).subarray(0, limit)
  const reader = response.body.getReader()
  const parts: Uint8Array[] = []
  let length = 0
  while (length < limit) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
    length += value.byteLength
  }
  if (length >= limit) await reader.cancel()
  const out = new Uint8Array(Math.min(length, limit))
  let at = 0
  for (const part of parts) {
    const take = part.subarray(0, out.length - at)
    out.set(take, at)
    at += take.byteLength
  }
  return out
}

/** The first TEXT_PREVIEW_BYTES of a file, decoded as UTF-8 (a character cut at the end is dropped). */
export async function fetchTextHead(runId: string, path: string, signal?: AbortSignal): Promise<TextHead> {
  const { bytes, complete, size } = await fetchHead(runId, path, TEXT_PREVIEW_BYTES, signal)
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

/** The pixel size an image declares (null when its format is not one that can be checked). */
export function useImageSize(runId: string, path: string, enabled: boolean) {
  return useQuery({
    queryKey: ['artifact-image-size', runId, path],
    queryFn: async ({ signal }) => imageSize((await fetchHead(runId, path, IMAGE_HEAD_BYTES, signal)).bytes),
    staleTime: 5 * 60_000,
    enabled,
  })
}
