import { describe, expect, it } from 'vitest'

import type { components } from '../api/schema'
import { tableNotes } from './tableNotes'

type TablePreview = components['schemas']['TablePreview']

const base: TablePreview = {
  path: 't.csv',
  format: 'csv',
  columns: ['a', 'b'],
  types: ['int64', 'string'],
  rows: [[1, 'x']],
  total_rows: 1,
  truncated: false,
  total_columns: 2,
  truncated_by: [],
  omitted_columns: [],
  cut_cells: 0,
  max_columns: 100,
  max_cell_chars: 1000,
  max_bytes: 2 * 1024 * 1024,
}

describe('tableNotes', () => {
  it('says nothing more of a whole table than its size', () => {
    expect(tableNotes(base)).toEqual(['2 columns · 1 row'])
  })

  it('names every bound that cut the preview', () => {
    const cut: TablePreview = {
      ...base,
      truncated: true,
      total_rows: null,
      total_columns: 100_000,
      truncated_by: ['rows', 'columns', 'column_size', 'cells', 'bytes'],
      omitted_columns: ['blob', 'image'],
      cut_cells: 3,
    }
    expect(tableNotes(cut)).toEqual([
      'the first 2 of 100,000 columns · the first 1 row (the file has more)',
      'Left out, too large to preview: blob, image.',
      '3 cells longer than 1,000 characters are cut short (…).',
      'Fewer rows than asked: a preview sends at most 2.0 MB and reads only the start of the file.',
    ])
  })

  it('reads an answer from a server that predates the bounds', () => {
    const { path, format, columns, types, rows } = base
    const old: TablePreview = { path, format, columns, types, rows, truncated: true, total_rows: 500 }
    expect(tableNotes(old)).toEqual(['2 columns · first 1 of 500 rows'])
  })
})
