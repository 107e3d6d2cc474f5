import { describe, expect, it } from 'vitest'

import { commitId, makeDataset } from '../test/data'
import { branchesOf, defaultBranch, shortId, sizeChange, tagsOf, type DataRef } from './format'

function ref(name: string, kind: DataRef['kind']): DataRef {
  return { name, kind, commit_id: commitId('a'), updated_at: 0 }
}

describe('dataset formats', () => {
  it('shorten ids to 12 digits, as the CLI does', () => {
    expect(shortId(commitId('a'))).toBe('aaaaaaaaaaaa')
  })

  it('split refs into branches and tags, and start from main when there is one', () => {
    const dataset = makeDataset({ refs: [ref('cleaned', 'branch'), ref('main', 'branch'), ref('v1', 'tag')] })
    expect(branchesOf(dataset).map((r) => r.name)).toEqual(['cleaned', 'main'])
    expect(tagsOf(dataset).map((r) => r.name)).toEqual(['v1'])
    expect(defaultBranch(dataset)).toBe('main')
    expect(defaultBranch(makeDataset({ refs: [ref('cleaned', 'branch')] }))).toBe('cleaned')
    expect(defaultBranch(makeDataset())).toBe('main')
  })

  it('say how much a modified file grew or shrank', () => {
    expect(sizeChange({ path: 'a', old_size: 1024, new_size: 2560 })).toBe('+1.5 KB')
    expect(sizeChange({ path: 'a', old_size: 400, new_size: 100 })).toBe('−300 B')
    expect(sizeChange({ path: 'a', old_size: 5, new_size: 5 })).toBe('same size')
  })
})
