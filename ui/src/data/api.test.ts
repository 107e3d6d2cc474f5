import { describe, expect, it } from 'vitest'

import { reachedBy } from '../test/queryCache'
import { dataKeys } from './api'

describe('dataKeys', () => {
  it('keep everything about a dataset under its detail, and nothing of another dataset', async () => {
    const entries = {
      list: dataKeys.lists(),
      churn: dataKeys.detail('churn'),
      history: dataKeys.history('churn', 'main'),
      version: dataKeys.version('churn', 'v1'),
      files: dataKeys.files('churn', 'abc', 'train'),
      diff: dataKeys.diff('churn', 'v1', 'main'),
      other: dataKeys.history('churn-2', 'main'),
    }
    expect(await reachedBy(entries, dataKeys.detail('churn'))).toEqual(['churn', 'history', 'version', 'files', 'diff'])
    expect(await reachedBy(entries, dataKeys.lists())).toEqual(['list'])
    expect(await reachedBy(entries, dataKeys.all)).toEqual(Object.keys(entries))
  })
})
