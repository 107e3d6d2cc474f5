import { renderHook } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import { createQueryClient } from '../api/queryClient'
import { invalidated, reachedBy, seed, stubFetch, wrapper } from '../test/queryCache'

// The API client binds fetch when it is created, so the stub goes in before the module is imported.
const requests = stubFetch()
const { reportKeys, useDeleteReport } = await import('./api')

const entries = {
  ofExperiment: reportKeys.list({ experimentId: '2' }),
  ofRun: reportKeys.list({ subject: 'run:abc' }),
  report: reportKeys.detail('f00d'),
  document: reportKeys.document('f00d'),
  other: reportKeys.detail('f00dcafe'),
}

describe('reportKeys', () => {
  it('keeps a report’s document with the report, and each report apart', async () => {
    expect(await reachedBy(entries, reportKeys.detail('f00d'))).toEqual(['report', 'document'])
    expect(await reachedBy(entries, reportKeys.lists())).toEqual(['ofExperiment', 'ofRun'])
    expect(await reachedBy(entries, reportKeys.all)).toEqual(Object.keys(entries))
  })
})

describe('deleting a report', () => {
  it('invalidates the listings only: a stored report never changes, and its page is left', async () => {
    const client = createQueryClient()
    seed(client, entries)
    const { result } = renderHook(() => useDeleteReport(), { wrapper: wrapper(client) })

    await result.current.mutateAsync('f00d')

    expect(requests.map((sent) => [sent.method, new URL(sent.url).pathname])).toEqual([['DELETE', '/api/v1/reports/f00d']])
    expect(invalidated(client, entries)).toEqual(['ofExperiment', 'ofRun'])
  })
})
