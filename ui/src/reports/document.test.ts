import { describe, expect, it } from 'vitest'

import { figureOf, reportOf } from './document'
import { reportFixture, suiteFixture } from './fixtures'

describe('report documents', () => {
  it('reads the fixture report and suite', () => {
    const report = reportFixture()
    expect(report.metrics.map((metric) => metric.metric)).toEqual(['DataDrift', 'DataQuality', 'ClassificationPerformance'])
    const suite = suiteFixture()
    expect(suite.summary.total).toBe(suite.tests.length)
    expect(reportOf(suite)).toBe(suite.report)
  })

  it('finds a figure in whichever metric computed it', () => {
    const report = reportFixture()
    expect(typeof figureOf(report, 'dataset_drift')).toBe('boolean')
    expect(typeof figureOf(report, 'accuracy', 'reference')).toBe('number')
    expect(figureOf(report, 'no_such_figure')).toBeUndefined()
  })
})
