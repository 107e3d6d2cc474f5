/** The order a suite's tests read in: failures first, then errors, then passes, each in suite order. */
import type { TestOutcome, TestStatus } from './document'

const RANK: Record<TestStatus, number> = { fail: 0, error: 1, pass: 2 }

export function orderTests(tests: readonly TestOutcome[], onlyProblems = false): TestOutcome[] {
  return tests
    .map((test, index) => ({ test, index }))
    .filter(({ test }) => !onlyProblems || test.status !== 'pass')
    .sort((a, b) => RANK[a.test.status] - RANK[b.test.status] || a.index - b.index)
    .map(({ test }) => test)
}
