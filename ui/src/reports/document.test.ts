import { describe, expect, it } from 'vitest'

import { figureOf, readDocument, reportOf, UnreadableDocument } from './document'
import { reportFixture, suiteFixture } from './fixtures'

describe('readDocument', () => {
  it('reads the fixture report and suite', () => {
    const report = reportFixture()
    expect(report.metrics.map((metric) => metric.metric)).toEqual(['DataDrift', 'DataQuality', 'ClassificationPerformance'])
    const suite = suiteFixture()
    expect(suite.summary.total).toBe(suite.tests.length)
    expect(reportOf(suite)).toBe(suite.report)
  })

  it('refuses what it cannot draw, saying why', () => {
    expect(() => readDocument([])).toThrow(UnreadableDocument)
    expect(() => readDocument({ kind: 'report' })).toThrow(/lists no metrics/)
    expect(() => readDocument({ kind: 'report', metrics: [{ metric: 'X', items: [{ kind: 'pie' }] }] })).toThrow(/unknown kind/)
    expect(() => readDocument({ kind: 'suite', tests: [], report: {} })).toThrow(/not a report/)
  })

  it('finds a figure in whichever metric computed it', () => {
    const report = reportFixture()
    expect(typeof figureOf(report, 'dataset_drift')).toBe('boolean')
    expect(typeof figureOf(report, 'accuracy', 'reference')).toBe('number')
    expect(figureOf(report, 'no_such_figure')).toBeUndefined()
  })
})
