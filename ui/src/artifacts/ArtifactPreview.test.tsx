import { QueryClientProvider } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { createQueryClient } from '../api/queryClient'

/** What the stubbed server answers, by the path of the request; every request is noted. */
const routes = new Map<string, () => Response>()
const requests: { url: string; range: string | null }[] = []
vi.stubGlobal('fetch', (input: Request | string, init?: RequestInit) => {
  const request = typeof input === 'string' ? new Request(new URL(input, window.location.origin), init) : input
  const url = new URL(request.url)
  requests.push({ url: url.pathname + url.search, range: request.headers.get('range') })
  const answer = routes.get(url.pathname) ?? (() => new Response('{}', { status: 404 }))
  return Promise.resolve(answer())
})
const { ArtifactPreview } = await import('./ArtifactPreview')

const RUN = 'r1'
const file = (path: string, size: number) => ({ path, is_dir: false, size })

function show(info: { path: string; is_dir: boolean; size: number }): void {
  const wrap = (children: ReactNode) => <QueryClientProvider client={createQueryClient()}>{children}</QueryClientProvider>
  render(wrap(<ArtifactPreview runId={RUN} info={info} onSelect={() => undefined} />))
}

function pngHead(width: number, height: number): Uint8Array<ArrayBuffer> {
  const head = new Uint8Array(new ArrayBuffer(33))
  head.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
  new DataView(head.buffer).setUint32(16, width)
  new DataView(head.buffer).setUint32(20, height)
  return head
}

function partial(body: Uint8Array<ArrayBuffer>, total: number): Response {
  return new Response(body, { status: 206, headers: { 'content-range': `bytes 0-${body.length - 1}/${total}` } })
}

afterEach(() => {
  routes.clear()
  requests.length = 0
})

describe('image previews', () => {
  it('show an image whose header declares a modest size', async () => {
    routes.set(`/api/v1/runs/${RUN}/artifacts/plots/roc.png`, () => partial(pngHead(640, 480), 5000))
    show(file('plots/roc.png', 5000))
    expect(await screen.findByRole('img', { name: 'plots/roc.png' })).toBeInTheDocument()
    expect(requests[0]?.range).toBe('bytes=0-65535')
  })

  it('refuse a small file that declares too many pixels', async () => {
    routes.set(`/api/v1/runs/${RUN}/artifacts/bomb.png`, () => partial(pngHead(100_000, 100_000), 4000))
    show(file('bomb.png', 4000))
    expect(await screen.findByText('This image is 100,000 × 100,000 pixels, too many to show here')).toBeInTheDocument()
    expect(screen.queryByRole('img')).toBeNull()
    expect(screen.getAllByRole('link', { name: /download/i }).length).toBeGreaterThan(0)
  })

  it('do not fetch an image over the byte bound at all', () => {
    show(file('huge.jpg', 200 * 1024 * 1024))
    expect(screen.getByText('Images over 20 MB are not shown here')).toBeInTheDocument()
    expect(screen.queryByRole('img')).toBeNull()
    expect(requests).toEqual([])
  })

  it('refuse an image whose size cannot be checked', async () => {
    routes.set(`/api/v1/runs/${RUN}/artifacts/odd.webp`, () => partial(new TextEncoder().encode('not a webp'), 10))
    show(file('odd.webp', 10))
    expect(await screen.findByText('This image’s size cannot be checked, so it is not shown')).toBeInTheDocument()
  })
})

describe('text previews', () => {
  it('read no more than their bound when the server ignores the Range header', async () => {
    const size = 3 * 1024 * 1024
    let pulled = 0
    routes.set(`/api/v1/runs/${RUN}/artifacts/train.log`, () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 64 * 1024
          controller.enqueue(new TextEncoder().encode('a'.repeat(64 * 1024)))
          if (pulled >= size) controller.close()
        },
      })
      return new Response(body, { status: 200, headers: { 'content-length': String(size) } })
    })
    show(file('train.log', size))
    expect(await screen.findByText(/Showing the first 256 KB of 3.0 MB/)).toBeInTheDocument()
    expect(pulled).toBeLessThan(size / 2)
  })
})

describe('table previews', () => {
  it('say what the bounds left out and mark the cells they cut', async () => {
    const long = 'x'.repeat(1000) + '…'
    routes.set(`/api/v1/runs/${RUN}/artifact-preview`, () =>
      Response.json({
        path: 'wide.parquet',
        format: 'parquet',
        columns: ['id', 'text'],
        types: ['int64', 'string'],
        rows: [[1, long], [2, 'short']],
        total_rows: 2,
        truncated: true,
        total_columns: 5000,
        truncated_by: ['columns', 'column_size', 'cells'],
        omitted_columns: ['blob'],
        cut_cells: 1,
        max_columns: 100,
        max_cell_chars: 1000,
        max_bytes: 2097152,
      }),
    )
    show(file('wide.parquet', 10_000))
    expect(await screen.findByText(/the first 2 of 5,000 columns/)).toBeInTheDocument()
    expect(screen.getByText('Left out, too large to preview: blob.')).toBeInTheDocument()
    expect(screen.getByText('1 cell longer than 1,000 characters is cut short (…).')).toBeInTheDocument()
    expect(screen.getByText(long)).toHaveAttribute('title', 'Cut to 1,000 characters; download the file for the rest')
    expect(screen.getByText('short')).not.toHaveAttribute('title')
  })
})
