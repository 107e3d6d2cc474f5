import { describe, expect, it } from 'vitest'

import { lineageViews, versionOfRef } from './lineage'

describe('versionOfRef', () => {
  it('reads the name and version of a model version reference', () => {
    expect(versionOfRef('models:/churn/12')).toEqual({ name: 'churn', version: 12 })
  })

  it('refuses aliases and other kinds', () => {
    expect(versionOfRef('models:/churn@champion')).toBeNull()
    expect(versionOfRef('run:abc')).toBeNull()
  })
})

describe('lineageViews', () => {
  it('drops the root, sorts nearest first and links each kind to its page', () => {
    const views = lineageViews(
      [
        { ref: 'models:/churn/2', kind: 'model-version', depth: 0 },
        { ref: 'experiment:7', kind: 'experiment', depth: 2 },
        { ref: 'run:ab12', kind: 'run', depth: 1 },
        { ref: 'report:ff00', kind: 'report', depth: 2 },
        { ref: 'models:/other name/1', kind: 'model-version', depth: 1 },
        { ref: 'data:sales@3f2a', kind: 'data-version', depth: 3 },
        { ref: 'deployment:churn-prod', kind: 'deployment', depth: 3 },
      ],
      'models:/churn/2',
    )
    expect(views.map((v) => v.ref)).toEqual(['models:/other name/1', 'run:ab12', 'experiment:7', 'report:ff00', 'data:sales@3f2a', 'deployment:churn-prod'])
    expect(views[0]?.path).toBe('/models/other%20name/versions/1')
    expect(views[1]?.runId).toBe('ab12')
    expect(views[2]?.path).toBe('/experiments/7')
    expect(views[3]?.path).toBe('/reports/ff00')
    expect(views[4]?.path).toBe('/data/sales/3f2a')
    expect(views[5]?.path).toBeUndefined()
  })
})
