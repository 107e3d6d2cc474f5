/** The run's overview: description, params, latest metrics, source, parent and children, tags. */
import type { ReactNode } from 'react'
import { Link } from 'react-router'

import type { Run } from '../api/types'
import { useCan } from '../auth/useCan'
import { StatusBadge } from '../runs/StatusBadge'
import { formatMetric } from '../ui/format'
import { KeyValueTable } from '../ui/KeyValueTable'
import { ErrorState } from '../ui/State'
import { useChildRuns } from './api'
import { Description } from './Description'
import styles from './RunPage.module.css'
import { sourceInfo, splitMetricKeys, splitTags } from './runTags'
import { None, Section } from './Section'
import { TagsEditor } from './TagsEditor'

function sorted(record: Record<string, unknown> | undefined, format: (value: unknown) => string) {
  return Object.entries(record ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => [key, format(value)] as const)
}

export function Overview({ run }: { run: Run }) {
  const canEdit = useCan(run.experiment_id, 'edit') && run.lifecycle_stage === 'active'
  const params = sorted(run.params, String)
  const { model } = splitMetricKeys(Object.keys(run.metrics ?? {}))
  const metrics = model.map((key) => [key, formatMetric(run.metrics?.[key])] as const)
  const tags = splitTags(run.tags ?? {})
  return (
    <div className={styles.overview}>
      <div className={styles.column}>
        <Description run={run} canEdit={canEdit} />
        <Section title="Params" count={params.length}>
          {params.length > 0 ? <KeyValueTable entries={params} label="Params" /> : <None>No params logged.</None>}
        </Section>
        <Section title="Metrics" count={metrics.length}>
          {metrics.length > 0 ? (
            <KeyValueTable entries={metrics} label="Latest metric values" numeric />
          ) : (
            <None>No metrics logged.</None>
          )}
        </Section>
      </div>
      <div className={styles.column}>
        <SourceSection run={run} />
        <Lineage run={run} />
        <TagsEditor run={run} tags={tags.user} canEdit={canEdit} />
        {tags.system.length > 0 && (
          <details className={styles.systemTags}>
            <summary>
              System tags <span className="faint">{tags.system.length}</span>
            </summary>
            <KeyValueTable entries={tags.system} label="System tags" />
          </details>
        )}
      </div>
    </div>
  )
}

function SourceSection({ run }: { run: Run }) {
  const source = sourceInfo(run.tags ?? {})
  const entries: [string, ReactNode][] = []
  if (source.source) entries.push(['entry point', <span className="mono">{source.source}</span>])
  if (source.commit) {
    entries.push([
      'git commit',
      <span className="mono" title={source.commit}>
        {source.commit.slice(0, 12)}
        {source.dirty && <span className={styles.dirty} title="Uncommitted changes when the run started"> dirty</span>}
      </span>,
    ])
  }
  if (source.branch) entries.push(['branch', <span className="mono">{source.branch}</span>])
  if (source.repo) entries.push(['repository', <span className="mono">{source.repo}</span>])
  if (source.user) entries.push(['user', source.user])
  if (source.host) entries.push(['host', source.host])
  if (source.python) entries.push(['python', source.python])
  return (
    <Section title="Source">
      {entries.length > 0 ? (
        <dl className={styles.pairs}>
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <None>No source recorded (runs logged through the tether SDK record their git commit and entry point).</None>
      )}
    </Section>
  )
}

function Lineage({ run }: { run: Run }) {
  const children = useChildRuns(run)
  const link = (runId: string) => `/experiments/${run.experiment_id}/runs/${runId}`
  const items = children.data ?? []
  return (
    <Section title="Parent and children" count={items.length + (run.parent_run_id ? 1 : 0)}>
      {run.parent_run_id && (
        <div className={styles.lineageRow}>
          <span className={styles.lineageKind}>parent</span>
          <Link className="mono" to={link(run.parent_run_id)}>
            {run.parent_run_id.slice(0, 12)}
          </Link>
        </div>
      )}
      {children.isError && <ErrorState error={children.error} title="Could not load the child runs" />}
      {items.length > 0 && (
        <ul className={styles.children}>
          {items.map((child) => (
            <li key={child.run_id}>
              <Link to={`/experiments/${child.run?.experiment_id ?? run.experiment_id}/runs/${child.run_id}`}>
                {child.run?.run_name || child.run_id.slice(0, 12)}
              </Link>
              {child.run && <StatusBadge status={child.run.status} />}
            </li>
          ))}
        </ul>
      )}
      {!run.parent_run_id && children.data && items.length === 0 && <None>A top-level run without child runs.</None>}
    </Section>
  )
}
