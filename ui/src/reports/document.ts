/**
 * The stored report document, typed from the server's OpenAPI document (generated in api/schema.d.ts from
 * the result shapes in src/tether/monitoring). The server checks a document against those shapes when it
 * is logged and again when it is read, so the viewer can trust what it gets.
 */
import type { components } from '../api/schema'

type Schemas = components['schemas']

/** A JSON scalar; NaN and the infinities arrive as the strings "NaN", "Infinity", "-Infinity". */
export type Scalar = number | string | boolean | null

export type ValueItem = Schemas['Value']
export type TableItem = Schemas['Table']
export type DistributionItem = Schemas['Distribution']
export type Line = Schemas['Line']
export type CurveItem = Schemas['Curve']
export type MatrixItem = Schemas['Matrix']
export type NotComputedItem = Schemas['NotComputed']

export type Item = ValueItem | TableItem | DistributionItem | CurveItem | MatrixItem | NotComputedItem
export type ItemKind = Item['kind']

/** A metric's result; the server always sends every field, though the schema marks defaults optional. */
export type MetricResult = Required<Schemas['MetricResult']>

export type ReportResult = Omit<Schemas['ReportResult'], 'metrics'> & { metrics: MetricResult[] }

export type TestOutcome = Schemas['TestOutcome']
export type TestStatus = TestOutcome['status']

export type SuiteDocument = Omit<Schemas['SuiteOutcome'], 'report'> & { report: ReportResult }

export type ReportDocument = ReportResult | SuiteDocument

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
