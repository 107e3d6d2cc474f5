import { hashKey } from '@tanstack/react-query'
import { renderHook } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import { createQueryClient } from '../api/queryClient'
import type { Run } from '../api/types'
import { invalidated, reachedBy, seed, stubFetch, wrapper } from '../test/queryCache'
import { makeRun } from '../test/runs'

// The API client binds fetch when it is created, so the stub goes in before the module is imported.
const requests = stubFetch()
const { runKeys, runQuery, useDeleteRuns, useRestoreRuns } = await import('./api')
const { LIVE_INTERVAL_MS } = await import('./live')
const { experimentKeys } = await import('../experiments/api')
const { reportKeys } = await import('../reports/api')

const query = { experimentId: '1', filter: 'metrics.auc > 0.9', orderBy: ['metrics.auc DESC'], view: 'active' as const }
const request = { minStep: 100, maxStep: 200, maxPoints: 600 }

/** One entry of every kind about runs, plus neighbours that must stay untouched. */
const runEntries = {
  pages: runKeys.pages(query),
  live: runKeys.live('1', ['a', 'b']),
  jump: runKeys.jump("attributes.run_name LIKE '%a%'", ['1', '2']),
  detail: runKeys.detail('a'),
  otherDetail: runKeys.detail('ab'),
  children: runKeys.children('a'),
  history: runKeys.metricHistory('a', 'loss', 600),
  ranges: runKeys.metricRanges('loss', [{ runId: 'a', request }]),
}
const neighbours = {
  experiments: experimentKeys.list('active'),
  experiment: experimentKeys.detail('1'),
  activity: experimentKeys.activity(['1']),
  report: reportKeys.detail('f00d'),
}

describe('runKeys', () => {
  it('gives the same key for the same arguments, whatever the order of a query’s fields', () => {
    expect(runKeys.detail('a')).toEqual(runKeys.detail('a'))
    const reordered = { view: 'active' as const, orderBy: ['metrics.auc DESC'], filter: 'metrics.auc > 0.9', experimentId: '1' }
    expect(hashKey(runKeys.pages(reordered))).toBe(hashKey(runKeys.pages(query)))
    expect(hashKey(runKeys.pages({ ...query, filter: '' }))).not.toBe(hashKey(runKeys.pages(query)))
  })

  it('keeps every query apart', () => {
    const hashes = Object.values(runEntries).map((key) => hashKey(key))
    expect(new Set(hashes).size).toBe(hashes.length)
  })

  it('puts every entry under all, and nothing else', async () => {
    const all = { ...runEntries, ...neighbours }
    expect(await reachedBy(all, runKeys.all)).toEqual(Object.keys(runEntries))
  })

  it('puts every search under lists, but no run or metric history', async () => {
    expect(await reachedBy(runEntries, runKeys.lists())).toEqual(['pages', 'live', 'jump'])
  })

  it('puts each run under details, its own detail reaching that run alone', async () => {
    expect(await reachedBy(runEntries, runKeys.details())).toEqual(['detail', 'otherDetail'])
    expect(await reachedBy(runEntries, runKeys.detail('a'))).toEqual(['detail'])
  })
})

describe('runQuery', () => {
  it('polls a run every LIVE_INTERVAL_MS while it is running and active, and never otherwise', () => {
    const interval = (fields: Parameters<typeof makeRun>[0]) => {
      const client = createQueryClient()
      const options = runQuery('a')
      client.setQueryData(options.queryKey, makeRun(fields))
      const query = client.getQueryCache().find<Run>({ queryKey: options.queryKey, exact: true })
      if (query === undefined || typeof options.refetchInterval !== 'function') throw new Error('no polling rule')
      return options.refetchInterval(query)
    }
    expect(interval({ status: 'RUNNING' })).toBe(LIVE_INTERVAL_MS)
    expect(interval({ status: 'RUNNING', lifecycle_stage: 'deleted' })).toBe(false)
    expect(interval({ status: 'FINISHED' })).toBe(false)
    expect(runQuery('a').refetchIntervalInBackground).toBe(false)
  })
})

describe('deleting and restoring runs', () => {
  it.each([
    ['delete', useDeleteRuns, 'DELETE', '/api/v1/runs/a'],
    ['restore', useRestoreRuns, 'POST', '/api/v1/runs/a/restore'],
  ])('%s: sends one request per run, then invalidates everything about runs and the run counts', async (_, useChange, method, path) => {
    requests.length = 0
    const client = createQueryClient()
    const entries = { ...runEntries, ...neighbours }
    seed(client, entries)
    const { result } = renderHook(() => useChange(), { wrapper: wrapper(client) })

    await result.current.mutateAsync(['a', 'b'])

    expect(requests.map((sent) => sent.method)).toEqual([method, method])
    expect(requests.map((sent) => new URL(sent.url).pathname)).toContain(path)
    expect(invalidated(client, entries)).toEqual([...Object.keys(runEntries), 'activity'])
  })
})
