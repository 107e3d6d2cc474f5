import { describe, expect, it } from 'vitest'

import { toggleSelection } from './selection'

const order = ['a', 'b', 'c', 'd', 'e']

describe('selection', () => {
  it('toggles one run', () => {
    const once = toggleSelection(new Set(), order, 'b', null, false)
    expect([...once]).toEqual(['b'])
    expect([...toggleSelection(once, order, 'b', 'b', false)]).toEqual([])
  })

  it('selects a range with shift, in either direction', () => {
    expect([...toggleSelection(new Set(['b']), order, 'd', 'b', true)].sort()).toEqual(['b', 'c', 'd'])
    expect([...toggleSelection(new Set(['d']), order, 'a', 'd', true)].sort()).toEqual(['a', 'b', 'c', 'd'])
  })

  it('clears a range when its end was selected', () => {
    const all = new Set(order)
    expect([...toggleSelection(all, order, 'd', 'b', true)].sort()).toEqual(['a', 'e'])
  })

  it('falls back to one run when the anchor is gone', () => {
    expect([...toggleSelection(new Set(), order, 'c', 'zz', true)]).toEqual(['c'])
  })
})
