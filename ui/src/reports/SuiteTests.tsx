/** A suite's tests: verdict, condition, the value observed (and on the reference), and why. */
import { useState } from 'react'
import { Link } from 'react-router'

import { Switch } from '../ui/Switch'
import { TestBadge } from './Badge'
import type { SuiteDocument } from './document'
import { formatScalar } from './format'
import styles from './Items.module.css'
import { orderTests } from './suiteOrder'

export const TESTS_ANCHOR = 'tests'

export function SuiteTests({ suite }: { suite: SuiteDocument }) {
  const problems = suite.tests.some((test) => test.status !== 'pass')
  const [onlyProblems, setOnlyProblems] = useState(false)
  const tests = orderTests(suite.tests, onlyProblems)
  return (
    <section id={TESTS_ANCHOR} className={styles.metric} aria-labelledby={`${TESTS_ANCHOR}-title`}>
      <header className={styles.metricHeader}>
        <h2 id={`${TESTS_ANCHOR}-title`}>
          <Link to={{ hash: TESTS_ANCHOR }} className={styles.anchorLink}>
            Tests
          </Link>
        </h2>
        <span className={styles.metricType}>{suite.tests.length}</span>
        <span className={styles.spacer} />
        {problems && suite.tests.some((test) => test.status === 'pass') && (
          <Switch label="Only failures and errors" checked={onlyProblems} onChange={setOnlyProblems} />
        )}
      </header>
      <div className={styles.tableScroll}>
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Test</th>
              <th scope="col">Condition</th>
              <th scope="col" className={styles.numeric}>
                Observed
              </th>
              <th scope="col" className={styles.numeric}>
                Reference
              </th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {tests.map((test, index) => (
              <tr key={`${test.figure}-${index}`} className={test.status === 'pass' ? undefined : test.status === 'fail' ? styles.failedRow : styles.errorRow}>
                <td>
                  <TestBadge status={test.status} />
                </td>
                <td>
                  <div className={styles.testName}>{test.name}</div>
                  <div className={styles.figure}>{test.figure}</div>
                </td>
                <td className="mono">{test.condition}</td>
                <td className={styles.numeric}>{formatScalar(test.value ?? null, test.figure)}</td>
                <td className={styles.numeric}>{formatScalar(test.reference ?? null, test.figure)}</td>
                <td className={styles.reason}>{test.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
