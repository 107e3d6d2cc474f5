import { describe, expect, it } from 'vitest'

import { ancestorsOf, artifactUrl, formatBytes, looksBinary, nameOf, parentOf, prettyJson, previewKind } from './paths'

describe('artifact paths', () => {
  it('chooses a preview by extension', () => {
    expect(previewKind('plots/roc.PNG')).toBe('image')
    expect(previewKind('a.svg')).toBe('image')
    expect(previewKind('eval/pred.csv')).toBe('table')
    expect(previewKind('x.tsv')).toBe('table')
    expect(previewKind('data/f.parquet')).toBe('table')
    expect(previewKind('config.json')).toBe('json')
    expect(previewKind('model/MLmodel')).toBe('yaml')
    expect(previewKind('conda.yaml')).toBe('yaml')
    expect(previewKind('README.md')).toBe('markdown')
    expect(previewKind('model.pkl')).toBe('binary')
    expect(previewKind('requirements.txt')).toBe('text')
    expect(previewKind('LICENSE')).toBe('text')
  })

  it('splits paths', () => {
    expect(nameOf('a/b/c.txt')).toBe('c.txt')
    expect(parentOf('a/b/c.txt')).toBe('a/b')
    expect(parentOf('c.txt')).toBe('')
    expect(ancestorsOf('a/b/c.txt')).toEqual(['a', 'a/b'])
    expect(ancestorsOf('c.txt')).toEqual([])
  })

  it('encodes each segment of a download URL', () => {
    expect(artifactUrl('r1', 'my dir/a#1?.txt')).toBe('/api/v1/runs/r1/artifacts/my%20dir/a%231%3F.txt')
  })

  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(256 * 1024)).toBe('256 KB')
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB')
    expect(formatBytes(undefined)).toBe('')
  })

  it('spots binary content', () => {
    expect(looksBinary('plain text')).toBe(false)
    expect(looksBinary('PK\u0003\u0004\u0000')).toBe(true)
  })

  it('pretty-prints complete JSON only', () => {
    expect(prettyJson('{"a":[1,2]}', true)).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}', pretty: true })
    expect(prettyJson('{"a":', true).pretty).toBe(false)
    expect(prettyJson('{"a":1}', false)).toEqual({ text: '{"a":1}', pretty: false })
  })
})
