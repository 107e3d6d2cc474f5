/**
 * The stored report document, typed after the server's result shapes (src/tether/monitoring/results.py
 * and suite.py). The API serves it as a plain JSON object, so `readDocument` checks the parts the viewer
 * relies on before any of it is drawn.
 */

/** A JSON scalar; NaN and the infinities arrive as the strings "NaN", "Infinity", "-Infinity". */
export type Scalar = number | string | boolean | null

interface Shape {
  name: string
  title?: string
}

export interface ValueItem extends Shape {
  kind: 'value'
  value: Scalar
  reference?: Scalar
}

export interface TableItem extends Shape {
  kind: 'table'
  columns: string[]
  rows: Scalar[][]
}

export interface DistributionItem extends Shape {
  kind: 'distribution'
  /** Numeric: `bins` holds the len(current) + 1 edges. Categorical: one label per share. */
  numeric: boolean
  bins: Scalar[]
  reference: number[]
  current: number[]
}

export interface Line {
  name: string
  x: number[]
  y: number[]
}

export interface CurveItem extends Shape {
  kind: 'curve'
  x_label: string
  y_label: string
  lines: Line[]
}

export interface MatrixItem extends Shape {
  kind: 'matrix'
  row_labels: string[]
  column_labels: string[]
  values: number[][]
}

export interface NotComputedItem extends Shape {
  kind: 'not_computed'
  reason: string
}

export type Item = ValueItem | TableItem | DistributionItem | CurveItem | MatrixItem | NotComputedItem
export type ItemKind = Item['kind']

export interface MetricResult {
  metric: string
  title: string
  settings: Record<string, unknown>
  values: Record<string, Scalar>
  reference_values: Record<string, Scalar>
  items: Item[]
}

export interface ReportResult {
  kind: 'report'
  created_at: number
  reference_rows: number
  current_rows: number
  columns: Record<string, string>
  target?: string | null
  prediction?: string[]
  task?: 'classification' | 'regression' | null
  metrics: MetricResult[]
}

export type TestStatus = 'pass' | 'fail' | 'error'

export interface TestOutcome {
  test: string
  name: string
  settings: Record<string, unknown>
  figure: string
  condition: string
  status: TestStatus
  value?: Scalar
  reference?: Scalar
  message: string
}

export interface SuiteDocument {
  kind: 'suite'
  passed: boolean
  summary: Record<string, number>
  tests: TestOutcome[]
  report: ReportResult
}

export type ReportDocument = ReportResult | SuiteDocument

const ITEM_KINDS: ReadonlySet<string> = new Set<ItemKind>(['value', 'table', 'distribution', 'curve', 'matrix', 'not_computed'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A document the viewer cannot draw; retrying will not help. */
export class UnreadableDocument extends Error {
  override readonly name = 'UnreadableDocument'
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new UnreadableDocument(`This report document cannot be shown: ${what}.`)
}

function readReport(raw: unknown): ReportResult {
  check(isRecord(raw) && raw.kind === 'report', 'it is not a report')
  check(Array.isArray(raw.metrics), 'it lists no metrics')
  for (const metric of raw.metrics as unknown[]) {
    check(isRecord(metric) && typeof metric.metric === 'string', 'a metric has no name')
    check(Array.isArray(metric.items), `metric ${metric.metric} has no items`)
    for (const item of metric.items as unknown[]) {
      check(isRecord(item) && typeof item.kind === 'string' && ITEM_KINDS.has(item.kind), `metric ${metric.metric} holds an item of unknown kind`)
    }
  }
  return raw as unknown as ReportResult
}

/** The document as the viewer's types, or an Error that says what is wrong with it. */
export function readDocument(raw: unknown): ReportDocument {
  check(isRecord(raw), 'it is not a JSON object')
  if (raw.kind === 'suite') {
    check(Array.isArray(raw.tests), 'the suite lists no tests')
    readReport(raw.report)
    return raw as unknown as SuiteDocument
  }
  return readReport(raw)
}

/** The report a document holds: itself, or the one a suite was judged on. */
export function reportOf(document: ReportDocument): ReportResult {
  return document.kind === 'suite' ? document.report : document
}

/** A number from a scalar, or null for text, booleans, missing and non-finite values. */
export function finite(value: Scalar | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** A named figure from whichever metric computed it (`dataset_drift`, `roc_auc`), else undefined. */
export function figureOf(report: ReportResult, name: string, side: 'current' | 'reference' = 'current'): Scalar | undefined {
  for (const metric of report.metrics) {
    const values = side === 'current' ? metric.values : metric.reference_values
    if (name in values) return values[name]
  }
  return undefined
}
