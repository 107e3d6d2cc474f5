/** What a table preview shows, and what it leaves out, in words: a summary line, then one note per cut. */
import type { components } from '../api/schema'
import { formatCount, plural } from '../ui/format'
import { formatBytes } from './paths'

type TablePreview = components['schemas']['TablePreview']

export function tableNotes(table: TablePreview): [string, ...string[]] {
  const cuts = new Set(table.truncated_by ?? [])
  const shown = table.columns.length
  const total = table.total_columns ?? shown
  const columns = cuts.has('columns') ? `the first ${formatCount(shown)} of ${formatCount(total)} columns` : plural(shown, 'column')
  const rows = table.rows.length
  const rowText = !table.truncated
    ? plural(rows, 'row')
    : table.total_rows === null
      ? `the first ${plural(rows, 'row')} (the file has more)`
      : `first ${formatCount(rows)} of ${formatCount(table.total_rows)} rows`
  const notes: string[] = []
  const omitted = table.omitted_columns ?? []
  if (cuts.has('column_size') && omitted.length > 0) {
    notes.push(`Left out, too large to preview: ${omitted.join(', ')}.`)
  }
  if (cuts.has('cells')) {
    const limit = formatCount(table.max_cell_chars ?? 0)
    const cells = table.cut_cells ?? 0
    notes.push(
      cells > 0
        ? `${plural(cells, 'cell')} longer than ${limit} characters ${cells === 1 ? 'is' : 'are'} cut short (…).`
        : `Column names longer than ${limit} characters are cut short (…).`,
    )
  }
  if (cuts.has('bytes')) {
    notes.push(`Fewer rows than asked: a preview sends at most ${formatBytes(table.max_bytes ?? 0)} and reads only the start of the file.`)
  }
  return [`${columns} · ${rowText}`, ...notes]
}
