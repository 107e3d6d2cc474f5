import { Badge } from '../ui/Badge'
import { cx } from '../ui/cx'
import styles from './Badge.module.css'
import type { TestStatus } from './document'
import { suiteCounts, type Tone, type Verdict } from './summary'

export function VerdictBadge({ verdict }: { verdict: Pick<Verdict, 'tone' | 'label'> }) {
  return <Badge tone={verdict.tone}>{verdict.label}</Badge>
}

const TEST_TONE: Record<TestStatus, Tone> = { pass: 'ok', fail: 'danger', error: 'warn' }
const TEST_LABEL: Record<TestStatus, string> = { pass: 'Pass', fail: 'Fail', error: 'Error' }

export function TestBadge({ status }: { status: TestStatus }) {
  return <VerdictBadge verdict={{ tone: TEST_TONE[status], label: TEST_LABEL[status] }} />
}

/** Passed, failed and erroring tests as three small coloured counts; zeros fade. */
export function SuiteCounts({ summary }: { summary: Record<string, unknown> }) {
  const { pass, fail, error } = suiteCounts(summary)
  return (
    <span className={styles.counts} aria-label={`${pass} passed, ${fail} failed, ${error} errors`}>
      <span className={cx(styles.count, styles.ok, pass === 0 && styles.zero)} title="passed">
        ✓ {pass}
      </span>
      <span className={cx(styles.count, styles.danger, fail === 0 && styles.zero)} title="failed">
        ✗ {fail}
      </span>
      <span className={cx(styles.count, styles.warn, error === 0 && styles.zero)} title="errors">
        ! {error}
      </span>
    </span>
  )
}
