import { QueryClientProvider } from '@tanstack/react-query'
import { act, renderHook, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { createQueryClient } from '../api/queryClient'

// The API client binds fetch when it is created, so the stub goes in before the hook is imported.
const fetched: URL[] = []
vi.stubGlobal('fetch', (request: Request) => {
  const url = new URL(request.url)
  fetched.push(url)
  const low = Number(url.searchParams.get('min_step'))
  const steps = Array.from({ length: 5 }, (_, i) => low + 1000 + i)
  const body = { key: 'loss', steps, timestamps: steps, values: steps.map(() => -1) }
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }))
})
const { useZoomDetail } = await import('./zoomDetail')

// A reduced overview of steps 0..100,000: a point every 100 steps.
const steps = Array.from({ length: 1001 }, (_, i) => i * 100)
const overview = { key: 'loss', steps, timestamps: steps, values: steps.map(() => 1) }
const sources = [{ runId: 'r1', live: false, overview }]

function setup() {
  const client = createQueryClient()
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>
  return renderHook(() => useZoomDetail('loss', sources, 'step', 600, true), { wrapper })
}

afterEach(() => {
  fetched.length = 0
})

describe('useZoomDetail', () => {
  it('fetches a zoomed range once the zoom settles, merges it in, and drops it on reset', async () => {
    const { result } = setup()
    expect(result.current.histories[0]).toBe(overview)

    act(() => result.current.onZoom({ min: 10_000, max: 20_000 }))
    act(() => result.current.onZoom({ min: 10_500, max: 19_500 }))
    await waitFor(() => expect(result.current.histories[0]).not.toBe(overview))
    expect(fetched).toHaveLength(1)
    const query = fetched[0]?.searchParams
    expect(query?.get('key')).toBe('loss')
    expect(Number(query?.get('min_step'))).toBeLessThanOrEqual(10_500)
    expect(Number(query?.get('max_step'))).toBeGreaterThanOrEqual(19_500)
    expect(result.current.histories[0]?.values).toContain(-1)

    act(() => result.current.onZoom(null))
    expect(result.current.histories[0]).toBe(overview)
  })

  it('asks nothing for a zoom over most of the series', async () => {
    const { result } = setup()
    act(() => result.current.onZoom({ min: 0, max: 80_000 }))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(fetched).toHaveLength(0)
    expect(result.current.histories[0]).toBe(overview)
  })
})
