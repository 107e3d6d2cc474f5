/** The key factories of all features together: each resource has a root of its own. */
import { describe, expect, it } from 'vitest'

import { sessionKeys } from '../api/session'
import { artifactKeys } from '../artifacts/api'
import { accessKeys } from '../auth/api'
import { dataKeys } from '../data/api'
import { deploymentKeys } from '../deployments/api'
import { experimentKeys } from '../experiments/api'
import { reportKeys } from '../reports/api'
import { runKeys } from '../runs/api'
import { reachedBy } from '../test/queryCache'

const roots = [
  sessionKeys.all,
  accessKeys.all,
  experimentKeys.all,
  runKeys.all,
  reportKeys.all,
  artifactKeys.all,
  deploymentKeys.all,
  dataKeys.all,
]

describe('query key factories', () => {
  it('give each resource a root of its own', () => {
    expect(new Set(roots.map((root) => root[0])).size).toBe(roots.length)
  })

  it('keep a run’s artifacts under that run, and no other resource’s keys under any root but its own', async () => {
    const entries = {
      me: sessionKeys.me(),
      access: accessKeys.detail('1'),
      folder: artifactKeys.list('a', 'model'),
      info: artifactKeys.info('a', 'model/MLmodel'),
      preview: artifactKeys.preview('a', 'data.parquet', 200),
      text: artifactKeys.text('a', 'notes.txt'),
      otherRun: artifactKeys.list('ab', 'model'),
      run: runKeys.detail('a'),
    }
    expect(await reachedBy(entries, artifactKeys.run('a'))).toEqual(['folder', 'info', 'preview', 'text'])
    expect(await reachedBy(entries, artifactKeys.all)).toEqual(['folder', 'info', 'preview', 'text', 'otherRun'])
    expect(await reachedBy(entries, accessKeys.all)).toEqual(['access'])
    expect(await reachedBy(entries, sessionKeys.all)).toEqual(['me'])
  })
})
