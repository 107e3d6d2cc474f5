import { describe, expect, it } from 'vitest'

import { DEFAULT_VIEW, decodeView, encodeView, type RunsView } from './urlState'

const full: RunsView = {
  filter: "metrics.auc > 0.9 and params.model = 'rf'",
  sort: { column: 'metrics.auc', desc: true },
  columns: ['metrics.auc', 'params.lr', 'tags.a,b'],
  groupBy: 'params.model',
  showDeleted: true,
}

describe('runs view in the URL', () => {
  it('round-trips every field', () => {
    expect(decodeView(encodeView(full))).toEqual(full)
  })

  it('round-trips through the text of a link', () => {
    const link = `/experiments/1?${encodeView(full).toString()}`
    expect(decodeView(new URL(link, 'http://x').searchParams)).toEqual(full)
  })

  it('reads an empty query string as the default view', () => {
    expect(decodeView(new URLSearchParams())).toEqual(DEFAULT_VIEW)
    expect(encodeView(DEFAULT_VIEW).toString()).toBe('')
  })

  it('tells "no columns" from "columns not given"', () => {
    const none = encodeView({ ...DEFAULT_VIEW, columns: [] })
    expect(none.toString()).toBe('col=')
    expect(decodeView(none).columns).toEqual([])
    expect(decodeView(new URLSearchParams('filter=x')).columns).toBeNull()
  })

  it('keeps keys with colons and commas intact', () => {
    const view = { ...DEFAULT_VIEW, sort: { column: 'params.a:b', desc: false }, columns: ['tags.x,y'] }
    expect(decodeView(encodeView(view))).toEqual(view)
  })

  it('reads a sort without a direction as ascending', () => {
    expect(decodeView(new URLSearchParams('sort=metrics.loss')).sort).toEqual({ column: 'metrics.loss', desc: false })
  })

  it('drops what it cannot read rather than failing', () => {
    const view = decodeView(new URLSearchParams('sort=bogus&col=nope&col=metrics.auc&group=x'))
    expect(view.sort).toBeNull()
    expect(view.columns).toEqual(['metrics.auc'])
    expect(view.groupBy).toBeNull()
  })

  it('leaves other query parameters alone', () => {
    const params = encodeView({ ...DEFAULT_VIEW, filter: 'status = "FAILED"' }, new URLSearchParams('tab=charts&filter=old'))
    expect(params.get('tab')).toBe('charts')
    expect(params.getAll('filter')).toEqual(['status = "FAILED"'])
  })
})
