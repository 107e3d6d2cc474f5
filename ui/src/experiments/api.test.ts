import { hashKey } from '@tanstack/react-query'
import { renderHook } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import { createQueryClient } from '../api/queryClient'
import { invalidated, reachedBy, seed, stubFetch, wrapper } from '../test/queryCache'

// The API client binds fetch when it is created, so the stub goes in before the module is imported.
const requests = stubFetch()
const { experimentKeys, useRenameExperiment } = await import('./api')
const { runKeys } = await import('../runs/api')

const experimentEntries = {
  active: experimentKeys.list('active'),
  deleted: experimentKeys.list('deleted'),
  one: experimentKeys.detail('1'),
  other: experimentKeys.detail('12'),
  activity: experimentKeys.activity(['1', '12']),
  logged: experimentKeys.logged('1'),
}

describe('experimentKeys', () => {
  it('gives the same key for the same arguments, and a different one for each query', () => {
    expect(experimentKeys.activity(['1', '2'])).toEqual(experimentKeys.activity(['1', '2']))
    const hashes = Object.values(experimentEntries).map((key) => hashKey(key))
    expect(new Set(hashes).size).toBe(hashes.length)
  })

  it('puts listings under lists, experiments under details and run counts under activities', async () => {
    expect(await reachedBy(experimentEntries, experimentKeys.lists())).toEqual(['active', 'deleted'])
    expect(await reachedBy(experimentEntries, experimentKeys.details())).toEqual(['one', 'other'])
    expect(await reachedBy(experimentEntries, experimentKeys.detail('1'))).toEqual(['one'])
    expect(await reachedBy(experimentEntries, experimentKeys.activities())).toEqual(['activity'])
  })
})

describe('changing an experiment', () => {
  it('sends the change, then invalidates everything about experiments and nothing about runs', async () => {
    const client = createQueryClient()
    const entries = { ...experimentEntries, runs: runKeys.pages({ experimentId: '1', filter: '', orderBy: [], view: 'active' }) }
    seed(client, entries)
    const { result } = renderHook(() => useRenameExperiment(), { wrapper: wrapper(client) })

    await result.current.mutateAsync({ id: '1', name: 'churn v2' })

    expect(requests.map((sent) => [sent.method, new URL(sent.url).pathname])).toEqual([['PATCH', '/api/v1/experiments/1']])
    expect(await requests[0]?.json()).toEqual({ name: 'churn v2' })
    expect(invalidated(client, entries)).toEqual(Object.keys(experimentEntries))
  })
})
