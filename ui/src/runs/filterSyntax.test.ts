import { describe, expect, it } from 'vitest'

import { suggest, tokenSpan } from './filterSyntax'

const keys = { metrics: ['accuracy', 'auc', 'val loss', 'loss'], params: ['lr', 'model'], tags: ['team'] }

function labels(text: string, caret = text.length) {
  return suggest(text, caret, keys)?.items.map((item) => item.label) ?? []
}

describe('filter suggestions', () => {
  it('offers the keys of the entity being typed, prefix matches first', () => {
    expect(labels('metrics.')).toEqual(['accuracy', 'auc', 'val loss', 'loss'])
    expect(labels('metrics.a')).toEqual(['accuracy', 'auc', 'val loss'])
    expect(labels('metrics.loss')).toEqual(['loss', 'val loss'])
    expect(labels('params.')).toEqual(['lr', 'model'])
    expect(labels('tags.te')).toEqual(['team'])
  })

  it('understands every prefix spelling and case', () => {
    expect(labels('METRIC.au')).toEqual(['auc'])
    expect(labels('param.m')).toEqual(['model'])
    expect(labels('attributes.st')).toEqual(['status', 'start_time'])
  })

  it('replaces the whole word and quotes keys that need it', () => {
    const result = suggest('metrics.val and x', 11, keys)
    expect(result).toMatchObject({ from: 0, to: 11 })
    expect(result?.items[0]).toMatchObject({ label: 'val loss', insert: 'metrics.`val loss` ' })
  })

  it('suggests in a later clause, after AND', () => {
    const text = "metrics.auc > 0.9 and params.m"
    const result = suggest(text, text.length, keys)
    expect(result?.from).toBe(22)
    expect(result?.items.map((item) => item.insert)).toEqual(['params.model '])
  })

  it('offers the entity prefixes where a clause starts', () => {
    expect(labels('')).toEqual(['metrics.', 'params.', 'tags.', 'attributes.'])
    expect(labels('me')).toEqual(['metrics.'])
    expect(labels('metrics.auc > 1 and ')).toEqual(['metrics.', 'params.', 'tags.', 'attributes.'])
    expect(labels('sta')).toEqual(['status', 'start_time'])
  })

  it('stays quiet inside strings and after a comparator', () => {
    expect(labels("params.model = 'metrics.")).toEqual([])
    expect(labels('metrics.auc > 0')).toEqual([])
    expect(labels('metrics.auc ')).toEqual([])
  })

  it('offers nothing for an unknown prefix', () => {
    expect(suggest('foo.bar', 7, keys)).toBeNull()
  })
})

describe('error token span', () => {
  it('covers an operator', () => {
    const text = 'metrics.loss <> 1'
    expect(tokenSpan(text, 13)).toEqual({ start: 13, end: 15 })
  })

  it('covers a word', () => {
    const text = 'metrics.loss LIKE 1'
    expect(text.slice(tokenSpan(text, 13).start, tokenSpan(text, 13).end)).toBe('LIKE')
  })

  it('covers a quoted string with escapes', () => {
    const text = "params.a = 'it''s' x"
    expect(tokenSpan(text, 11)).toEqual({ start: 11, end: 18 })
  })

  it('runs to the end of an unterminated string', () => {
    expect(tokenSpan("params.a = 'open", 11)).toEqual({ start: 11, end: 16 })
  })

  it('is empty at the end of the text', () => {
    expect(tokenSpan('metrics.auc >', 13)).toEqual({ start: 13, end: 13 })
  })
})
