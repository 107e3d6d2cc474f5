/**
 * What the filter box knows of the search grammar (docs/search.md): which key the caret is typing, so it
 * can suggest keys, and where the token at an error position ends, so it can underline it.
 */
import type { ExperimentKeys } from '../api/types'
import { ATTRIBUTES, ENTITY_PREFIXES, quoteKey, type Entity } from './columns'

export interface Suggestion {
  label: string
  /** Replaces text[from, to). */
  insert: string
  detail: string
}

export interface Suggestions {
  from: number
  to: number
  items: Suggestion[]
}

const WORD_CHAR = /[A-Za-z0-9_.:/+-]/
const MAX_ITEMS = 50
const ENTITY_HINTS: readonly { prefix: string; detail: string }[] = [
  { prefix: 'metrics.', detail: 'latest value of a metric' },
  { prefix: 'params.', detail: 'a parameter' },
  { prefix: 'tags.', detail: 'a tag' },
  { prefix: 'attributes.', detail: 'run_name, status, start_time…' },
]

/** True when `position` sits inside a quoted string or key, where nothing should be suggested. */
function insideQuotes(text: string, position: number): boolean {
  let quote: string | null = null
  for (let i = 0; i < position; i++) {
    const char = text[i] ?? ''
    if (quote === null) {
      if (char === "'" || char === '"' || char === '`') quote = char
    } else if (char === '\\' && (text[i + 1] === quote || text[i + 1] === '\\')) {
      i++
    } else if (char === quote) {
      quote = null
    }
  }
  return quote !== null
}

/** True when a new comparison starts here: at the beginning, or right after AND. */
function startsClause(before: string): boolean {
  const trimmed = before.trimEnd()
  return trimmed === '' || (/(^|\s)and$/i.test(trimmed) && trimmed.length < before.length)
}

function keysOf(entity: Entity, keys: ExperimentKeys): readonly string[] {
  return entity === 'attributes' ? ATTRIBUTES : keys[entity]
}

function ranked(candidates: readonly string[], typed: string): string[] {
  const lower = typed.toLowerCase()
  const starts: string[] = []
  const contains: string[] = []
  for (const key of candidates) {
    const k = key.toLowerCase()
    if (k.startsWith(lower)) starts.push(key)
    else if (lower && k.includes(lower)) contains.push(key)
  }
  return [...starts, ...contains].slice(0, MAX_ITEMS)
}

/** Suggestions for the word the caret is in, or null when there is nothing to suggest. */
export function suggest(text: string, caret: number, keys: ExperimentKeys): Suggestions | null {
  if (insideQuotes(text, caret)) return null
  let from = caret
  while (from > 0 && WORD_CHAR.test(text[from - 1] ?? '')) from--
  let to = caret
  while (to < text.length && WORD_CHAR.test(text[to] ?? '')) to++
  const word = text.slice(from, caret)
  const dot = word.indexOf('.')

  if (dot > 0) {
    const written = word.slice(0, dot)
    const entity = ENTITY_PREFIXES[written.toLowerCase()]
    if (!entity) return null
    const typed = word.slice(dot + 1)
    const items = ranked(keysOf(entity, keys), typed).map((key) => ({
      label: key,
      insert: `${written}.${quoteKey(key)} `,
      detail: entity,
    }))
    return items.length > 0 ? { from, to, items } : null
  }

  if (!startsClause(text.slice(0, from))) return null
  const lower = word.toLowerCase()
  const items: Suggestion[] = ENTITY_HINTS.filter((hint) => hint.prefix.startsWith(lower)).map((hint) => ({
    label: hint.prefix,
    insert: hint.prefix,
    detail: hint.detail,
  }))
  if (lower) {
    for (const attribute of ATTRIBUTES) {
      if (attribute.startsWith(lower)) items.push({ label: attribute, insert: `${attribute} `, detail: 'attribute' })
    }
  }
  return items.length > 0 ? { from, to, items } : null
}

/**
 * The span of the token that starts at `position`: a quoted string or key up to its closing quote, else
 * the run of non-space characters. At the end of the text the span is empty (something is missing there).
 */
export function tokenSpan(text: string, position: number): { start: number; end: number } {
  const start = Math.max(0, Math.min(position, text.length))
  if (start === text.length) return { start, end: start }
  const first = text[start] ?? ''
  let end = start + 1
  if (first === "'" || first === '"' || first === '`') {
    while (end < text.length) {
      const char = text[end]
      end++
      if (char === '\\' && (text[end] === first || text[end] === '\\')) end++
      else if (char === first) {
        if (text[end] === first) end++
        else break
      }
    }
    return { start, end: Math.min(end, text.length) }
  }
  if (/[<>=!]/.test(first)) {
    while (end < text.length && /[<>=!]/.test(text[end] ?? '')) end++
  } else if (WORD_CHAR.test(first)) {
    while (end < text.length && WORD_CHAR.test(text[end] ?? '')) end++
  }
  return { start, end }
}
