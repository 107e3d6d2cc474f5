import { renderHook } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import { createQueryClient } from '../api/queryClient'
import { invalidated, seed, stubFetch, wrapper } from '../test/queryCache'

// The API client binds fetch when it is created, so the stub goes in before the module is imported.
const requests = stubFetch()
const { metricHistoryQuery, useDeleteTag, useSetTags } = await import('./api')
const { runKeys } = await import('../runs/api')
const { LIVE_INTERVAL_MS } = await import('../runs/live')

const entries = {
  pages: runKeys.pages({ experimentId: '1', filter: '', orderBy: [], view: 'active' }),
  live: runKeys.live('1', ['a']),
  detail: runKeys.detail('a'),
  otherDetail: runKeys.detail('b'),
  children: runKeys.children('a'),
  history: runKeys.metricHistory('a', 'loss', 600),
}

/** Seed the cache, make one edit through the hook, and return what was sent and what it invalidated. */
async function edit<T>(useEdit: () => { mutateAsync: (value: T) => Promise<unknown> }, value: T) {
  requests.length = 0
  const client = createQueryClient()
  seed(client, entries)
  const { result } = renderHook(useEdit, { wrapper: wrapper(client) })
  await result.current.mutateAsync(value)
  return { sent: requests.map((sent) => [sent.method, new URL(sent.url).pathname]), invalidated: invalidated(client, entries) }
}

describe('editing a run’s tags', () => {
  it('setting tags invalidates that run and every search, not its metrics, children or other runs', async () => {
    const { sent, invalidated } = await edit(() => useSetTags('a'), { note: 'baseline' })
    expect(sent).toEqual([['POST', '/api/v1/runs/a/batch']])
    expect(invalidated).toEqual(['pages', 'live', 'detail'])
  })

  it('deleting a tag invalidates the same entries', async () => {
    const { sent, invalidated } = await edit(() => useDeleteTag('a'), 'note')
    expect(sent).toEqual([['DELETE', '/api/v1/runs/a/tags']])
    expect(invalidated).toEqual(['pages', 'live', 'detail'])
  })
})

describe('metric history refresh', () => {
  it('polls and is always stale while live; a settled history is kept for a minute', () => {
    const live = metricHistoryQuery('a', 'loss', 600, true)
    expect(live.queryKey).toEqual(runKeys.metricHistory('a', 'loss', 600))
    expect([live.refetchInterval, live.staleTime]).toEqual([LIVE_INTERVAL_MS, 0])
    const settled = metricHistoryQuery('a', 'loss', 600, false)
    expect(settled.queryKey).toEqual(live.queryKey)
    expect([settled.refetchInterval, settled.staleTime]).toEqual([false, 60_000])
  })
})
