/**
 * One model version (/models/:name/versions/:version): where it came from, its signature, pinned
 * requirements, files and lineage, with the reference to load it by.
 */
import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Link, useParams } from 'react-router'

import type { components } from '../api/schema'
import { ApiError } from '../api/errors'
import { useTextHead } from '../artifacts/api'
import { useRun } from '../runs/api'
import { formatBytes } from '../artifacts/paths'
import { Markdown } from '../markdown/Markdown'
import { None, Section } from '../run/Section'
import { formatIso } from '../ui/format'
import { Facts } from '../ui/Facts'
import { ErrorState, Loading } from '../ui/State'
import { packageFilesQuery, sourceParts, versionQuery } from './api'
import { Lineage } from './Lineage'
import { modelPath } from './paths'
import { VersionStatus } from './VersionStatus'
import styles from './Models.module.css'
import { RunLink } from './RunLink'
import { TagsSection } from './TagsSection'

type ModelVersion = components['schemas']['ModelVersion']
type Spec = components['schemas']['Signature']['inputs']

export function VersionPage() {
  const { name = '', version: versionText = '' } = useParams()
  const version = Number(versionText)
  const valid = Number.isInteger(version) && version >= 1
  const found = useQuery({ ...versionQuery(name, version), enabled: valid })
  if (!valid || found.isError) {
    const missing = !valid || (found.error instanceof ApiError && found.error.status === 404)
    return (
      <div className="page">
        <ErrorState
          error={found.error ?? new Error(`${versionText} is not a version number`)}
          title={missing ? `${name} has no version ${versionText}` : 'Could not load the version'}
          onRetry={valid ? () => void found.refetch() : undefined}
        />
        <Link to={modelPath(name)}>{name}</Link>
      </div>
    )
  }
  if (!found.data) return <Loading what="the model version" />
  return <VersionView key={`${name}/${String(version)}`} version={found.data} />
}

function VersionView({ version }: { version: ModelVersion }) {
  const { name, source, flavor, signature, description, tags = {}, aliases = [] } = version
  const parts = sourceParts(source)
  const runId = version.run_id ?? parts?.runId
  const ref = `models:/${name}/${String(version.version)}`
  const facts: [string, ReactNode][] = [
    ['load with', <code>{ref}</code>],
    ['status', <VersionStatus status={version.status} />],
    ['flavor', <span className="mono">{flavor}</span>],
    ['source', <span className="mono">{source}</span>],
    ['run', runId ? <RunLink runId={runId} /> : '—'],
    ['registered', `${formatIso(version.created_time)}${version.created_by ? ` by ${version.created_by}` : ''}`],
    ['aliases', aliases.length ? <span className="mono">{aliases.map((a) => `@${a}`).join(' ')}</span> : '—'],
  ]
  return (
    <div className={styles.page}>
      <div>
        <Link to={modelPath(name)}>{name}</Link>
        <h1>
          <span className="mono">{name}</span> version {version.version}
        </h1>
      </div>
      <Facts facts={facts} label="About this version" />
      {description && (
        <Section title="Description">
          <Markdown text={description} />
        </Section>
      )}
      <Section title="Signature">
        <SpecTable title="Inputs" spec={signature.inputs} />
        {signature.outputs ? <SpecTable title="Outputs" spec={signature.outputs} /> : <None>No outputs were declared.</None>}
      </Section>
      {parts && <Requirements runId={parts.runId} path={parts.path} />}
      {parts && <Files runId={parts.runId} path={parts.path} />}
      <Lineage root={ref} />
      <TagsSection tags={tags} label="Version tags" />
    </div>
  )
}

function SpecTable({ title, spec }: { title: string; spec: Spec }) {
  if (spec.kind === 'tensor') {
    const shape = spec.shape.map((d) => (d === null ? 'any' : String(d))).join(' × ')
    return (
      <p>
        {title}: a <span className="mono">{spec.dtype}</span> tensor of shape <span className="mono">({shape})</span>
      </p>
    )
  }
  return (
    <table className={styles.table} aria-label={title}>
      <caption>{title}</caption>
      <thead>
        <tr><th>Column</th><th>Type</th></tr>
      </thead>
      <tbody>
        {spec.columns.map((column) => (
          <tr key={column.name}>
            <td className="mono">{column.name}</td>
            <td className="mono">{column.dtype}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Requirements({ runId, path }: { runId: string; path: string }) {
  const text = useTextHead(runId, `${path}/requirements.txt`)
  const lines = (text.data?.text ?? '').split('\n').filter((line) => line.trim() !== '')
  return (
    <Section title="Requirements" count={text.data ? lines.length : undefined}>
      {text.isError && <ErrorState error={text.error} title="Could not read requirements.txt" />}
      {text.data && lines.length === 0 && <None>The package needs nothing beyond tether.</None>}
      {lines.length > 0 && (
        <pre className={styles.requirements} aria-label="Pinned requirements">
          {lines.join('\n')}
        </pre>
      )}
    </Section>
  )
}

function Files({ runId, path }: { runId: string; path: string }) {
  const files = useQuery(packageFilesQuery(runId, path))
  const items = (files.data ?? []).filter((f) => !f.is_dir)
  return (
    <Section title="Files" count={files.data ? items.length : undefined}>
      {files.isError && <ErrorState error={files.error} title="Could not list the package" />}
      {items.length > 0 && (
        <table className={styles.table} aria-label="Package files">
          <tbody>
            {items.map((file) => (
              <tr key={file.path}>
                <td className="mono">
                  <FileLink runId={runId} path={file.path} label={file.path.slice(path.length + 1)} />
                </td>
                <td className={styles.size}>{formatBytes(file.size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  )
}

/** Opens the file in its run's artifact browser, which previews it. */
function FileLink({ runId, path, label }: { runId: string; path: string; label: string }) {
  const run = useRun(runId)
  if (!run.data) return <span>{label}</span>
  const params = new URLSearchParams({ tab: 'artifacts', path })
  return <Link to={`/experiments/${run.data.experiment_id}/runs/${runId}?${params.toString()}`}>{label}</Link>
}
