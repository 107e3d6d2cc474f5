import { describe, expect, it } from 'vitest'

import { makeRun } from '../test/runs'
import { flattenPages } from './pages'

describe('flattenPages', () => {
  it('keeps page order and drops a run seen on an earlier page', () => {
    const [a, b, c] = [makeRun(), makeRun(), makeRun()]
    expect(flattenPages([{ items: [a, b] }, { items: [b, c] }])).toEqual([a, b, c])
    expect(flattenPages(undefined)).toEqual([])
  })
})
