import { describe, expect, it } from 'vitest'

import { commitId, makeCommit } from '../test/data'
import { diffPair, HISTORY_PAGE, nextRev } from './history'

/** A history of `length` commits, newest first, each the first parent of the one before it. */
function history(length: number) {
  return Array.from({ length }, (_, index) => {
    const id = String(length - index).padStart(64, '0')
    const parent = length - index - 1
    return makeCommit({ commit_id: id, parents: parent > 0 ? [String(parent).padStart(64, '0')] : [] })
  })
}

describe('nextRev', () => {
  it('continues from the commit before the last one of a full page', () => {
    const page = history(HISTORY_PAGE + 1).slice(0, HISTORY_PAGE)
    expect(nextRev(page)).toBe(`${String(2).padStart(64, '0')}~1`)
  })

  it('stops after a short page, or at the first commit', () => {
    expect(nextRev(history(3))).toBeUndefined()
    expect(nextRev(history(HISTORY_PAGE))).toBeUndefined()
    expect(nextRev([])).toBeUndefined()
  })
})

describe('diffPair', () => {
  const commits = [makeCommit({ commit_id: commitId('c') }), makeCommit({ commit_id: commitId('b') }), makeCommit({ commit_id: commitId('a') })]

  it('puts the older version first, whichever was picked first', () => {
    expect(diffPair([commitId('c'), commitId('a')], commits)).toEqual({ old: commitId('a'), next: commitId('c') })
    expect(diffPair([commitId('a'), commitId('b')], commits)).toEqual({ old: commitId('a'), next: commitId('b') })
  })

  it('needs exactly two versions of the history', () => {
    expect(diffPair([commitId('c')], commits)).toBeNull()
    expect(diffPair([commitId('c'), commitId('d')], commits)).toBeNull()
  })
})
