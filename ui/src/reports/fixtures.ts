/** The fixture documents of the tests, made by fixtures/make_fixtures.py from real monitoring runs. */
import reportText from './fixtures/report.json?raw'
import suiteText from './fixtures/suite.json?raw'
import type { ReportDocument, ReportResult, SuiteDocument } from './document'

export function reportFixture(): ReportResult {
  const document = JSON.parse(reportText) as ReportDocument
  if (document.kind !== 'report') throw new Error('report.json holds a suite')
  return document
}

export function suiteFixture(): SuiteDocument {
  const document = JSON.parse(suiteText) as ReportDocument
  if (document.kind !== 'suite') throw new Error('suite.json holds a report')
  return document
}
