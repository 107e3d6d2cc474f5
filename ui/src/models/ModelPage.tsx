/** One registered model (/models/:name): description, tags, aliases, every version and the alias timeline. */
import { useQuery } from '@tanstack/react-query'
import { Link, useParams } from 'react-router'

import { ApiError } from '../api/errors'
import { Markdown } from '../markdown/Markdown'
import { None, Section } from '../run/Section'
import { formatIso, formatRelative } from '../ui/format'
import { ErrorState, Loading } from '../ui/State'
import { useNow } from '../ui/useNow'
import { modelHistoryQuery, modelQuery, sourceParts, versionsQuery } from './api'
import styles from './Models.module.css'
import { versionPath } from './paths'
import { RunLink } from './RunLink'
import { TagsSection } from './TagsSection'
import { VersionStatus } from './VersionStatus'
import { modelTimeline } from './timeline'

export function ModelPage() {
  const { name = '' } = useParams()
  const model = useQuery(modelQuery(name))
  if (model.isError) {
    const missing = model.error instanceof ApiError && model.error.status === 404
    return (
      <div className="page">
        <ErrorState error={model.error} title={missing ? `No model named ${name}` : 'Could not load the model'} onRetry={() => void model.refetch()} />
        <Link to="/models">All models</Link>
      </div>
    )
  }
  if (!model.data) return <Loading what="the model" />
  const { description, tags = {}, aliases = [], created_time, created_by } = model.data
  return (
    <div className={styles.page}>
      <div>
        <Link to="/models">Models</Link>
        <h1 className="mono">{name}</h1>
        <div className="faint">
          registered {formatIso(created_time)}
          {created_by ? ` by ${created_by}` : ''}
        </div>
      </div>
      <Section title="Description">{description ? <Markdown text={description} /> : <None>No description.</None>}</Section>
      <Section title="Aliases" count={aliases.length}>
        {aliases.length === 0 ? (
          <None>No alias points at a version yet.</None>
        ) : (
          <ul className={styles.aliases}>
            {aliases.map((a) => (
              <li key={a.alias}>
                <span className="mono">@{a.alias}</span>{a.protected ? ' (protected)' : ''} → <Link to={versionPath(name, a.version)}>version {a.version}</Link>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Versions name={name} />
      <ModelTimeline name={name} />
      <TagsSection tags={tags} label="Model tags" />
    </div>
  )
}

function Versions({ name }: { name: string }) {
  const versions = useQuery(versionsQuery(name))
  const items = [...(versions.data ?? [])].reverse()
  return (
    <Section title="Versions" count={versions.data?.length}>
      {versions.isError && <ErrorState error={versions.error} title="Could not load the versions" onRetry={() => void versions.refetch()} />}
      {versions.isPending && <Loading what="the versions" />}
      {versions.data && items.length === 0 && <None>No version registered yet.</None>}
      {items.length > 0 && (
        <table className={styles.table} aria-label="Versions">
          <thead>
            <tr><th>Version</th><th>Status</th><th>Aliases</th><th>Flavor</th><th>Run</th><th>Registered</th><th>Description</th></tr>
          </thead>
          <tbody>
            {items.map((v) => {
              const run = v.run_id ?? sourceParts(v.source)?.runId
              return (
                <tr key={v.version}>
                  <td><Link to={versionPath(name, v.version)}>version {v.version}</Link></td>
                  <td><VersionStatus status={v.status} /></td>
                  <td className="mono">{(v.aliases ?? []).map((a) => `@${a}`).join(' ')}</td>
                  <td className="mono">{v.flavor}</td>
                  <td>{run ? <RunLink runId={run} /> : '—'}</td>
                  <td title={formatIso(v.created_time)}>{formatIso(v.created_time)}{v.created_by ? ` by ${v.created_by}` : ''}</td>
                  <td>{v.description}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </Section>
  )
}

function ModelTimeline({ name }: { name: string }) {
  const now = useNow()
  const history = useQuery(modelHistoryQuery(name))
  const entries = modelTimeline(history.data ?? [])
  return (
    <Section title="History" count={history.data ? entries.length : undefined}>
      {history.isError && <ErrorState error={history.error} title="Could not load the history" onRetry={() => void history.refetch()} />}
      {history.data && entries.length === 0 && <None>No alias has been set and no version's status changed yet.</None>}
      {entries.length > 0 && (
        <ol className={styles.timeline} aria-label="Model timeline">
          {entries.map((entry) => (
            <li key={entry.id}>
              <time dateTime={new Date(entry.at).toISOString()} title={formatIso(entry.at)}>
                {formatRelative(entry.at, now)}
              </time>
              <span>{entry.text}</span>
            </li>
          ))}
        </ol>
      )}
    </Section>
  )
}
