/** What a stored report says at a glance: its verdict badge and headline, for lists and the viewer. */
import type { components } from '../api/schema'
import { plural } from '../ui/format'
import { formatPercent, formatScalar } from './format'

export type StoredReport = components['schemas']['StoredReport']
export type ReportKind = StoredReport['kind']

export type Tone = 'ok' | 'danger' | 'warn' | 'neutral'

export interface Verdict {
  tone: Tone
  label: string
  /** pass/fail for filtering: a failed suite or detected drift fails; null when the report has no verdict. */
  outcome: 'pass' | 'fail' | null
}

/** Headline figures other than drift, in the order a listing shows the first one found. */
const PERFORMANCE = ['roc_auc', 'accuracy', 'f1', 'rmse', 'mae', 'r2', 'missing_share'] as const

export function verdictOf(report: Pick<StoredReport, 'kind' | 'status' | 'summary'>): Verdict {
  if (report.kind === 'suite') {
    return report.status === 'pass' ? { tone: 'ok', label: 'Passed', outcome: 'pass' } : { tone: 'danger', label: 'Failed', outcome: 'fail' }
  }
  const drift = report.summary.dataset_drift
  if (drift === true) return { tone: 'danger', label: 'Drift', outcome: 'fail' }
  if (drift === false) return { tone: 'ok', label: 'No drift', outcome: 'pass' }
  return { tone: 'neutral', label: 'Report', outcome: null }
}

function count(summary: Record<string, unknown>, key: string): number {
  const value = summary[key]
  return typeof value === 'number' ? value : 0
}

/** Passed, failed and erroring tests of a suite, each count once. */
export function suiteCounts(summary: Record<string, unknown>): { pass: number; fail: number; error: number; total: number } {
  const pass = count(summary, 'pass')
  const fail = count(summary, 'fail')
  const error = count(summary, 'error')
  const total = typeof summary.total === 'number' ? summary.total : pass + fail + error
  return { pass, fail, error, total }
}

/** One line that says what the report found: test counts, drifted columns, or its main figure. */
export function headlineOf(report: Pick<StoredReport, 'kind' | 'summary'>): string {
  const summary = report.summary
  if (report.kind === 'suite') {
    const { pass, fail, error } = suiteCounts(summary)
    return [`${pass} passed`, `${fail} failed`, plural(error, 'error')].join(' · ')
  }
  const share = summary.share_of_drifted_columns
  const drifted = summary.number_of_drifted_columns
  if (typeof share === 'number') {
    const columns = typeof drifted === 'number' ? ` (${plural(drifted, 'column')})` : ''
    return `${formatPercent(share)} of columns drifted${columns}`
  }
  for (const name of PERFORMANCE) {
    const value = summary[name]
    if (typeof value === 'number') return `${name} ${formatScalar(value, name)}`
  }
  const rows = summary.current_rows
  return typeof rows === 'number' ? plural(rows, 'row') : ''
}

export type OutcomeFilter = 'pass' | 'fail' | ''
export type KindFilter = ReportKind | ''

export interface ReportFilter {
  kind: KindFilter
  outcome: OutcomeFilter
}

export function matchesFilter(report: StoredReport, filter: ReportFilter): boolean {
  if (filter.kind && report.kind !== filter.kind) return false
  if (filter.outcome && verdictOf(report).outcome !== filter.outcome) return false
  return true
}

/** The run a subject names (`run:<id>`), else null. */
export function subjectRun(subject: string): string | null {
  const match = /^run:([0-9a-zA-Z_-]+)$/.exec(subject)
  return match?.[1] ?? null
}

/** Where a report's subject lives in the UI, when it is a run of a known experiment. */
export function subjectHref(subject: string, experimentId: string | null | undefined): string | null {
  const runId = subjectRun(subject)
  return runId !== null && experimentId ? `/experiments/${experimentId}/runs/${runId}` : null
}

/** What a report is called in lists: its name, else what it is. */
export function displayName(report: Pick<StoredReport, 'name' | 'kind'>): string {
  return report.name || (report.kind === 'suite' ? 'Test suite' : 'Report')
}
