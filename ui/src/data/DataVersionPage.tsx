/**
 * One version of a dataset (/data/:name/:rev, where rev is a commit id, a prefix, a tag, a branch or
 * `main~1`): its commit, its files, and its lineage: what made it and what used it.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useDeferredValue, useState, type ReactNode } from 'react'
import { Link, useParams } from 'react-router'

import { ApiError } from '../api/errors'
import { formatBytes } from '../artifacts/paths'
import { Lineage } from '../models/Lineage'
import { None, Section } from '../run/Section'
import { Facts } from '../ui/Facts'
import { formatCount, formatIso } from '../ui/format'
import { ErrorState, Loading } from '../ui/State'
import { datasetQuery, filesPagesQuery, versionQuery } from './api'
import styles from './Data.module.css'
import { shortId, type Commit, type DatasetFile } from './format'
import { dataVersionPath, datasetPath, diffPath } from './paths'
import { MorePages } from './ShowMore'

export function DataVersionPage() {
  const { name = '', rev = '' } = useParams()
  const found = useQuery(versionQuery(name, rev))
  if (found.isError) {
    const missing = found.error instanceof ApiError && found.error.status === 404
    return (
      <div className={styles.page}>
        <ErrorState error={found.error} title={missing ? `${name} has no version ${rev}` : 'Could not load the version'} onRetry={() => void found.refetch()} />
        <Link to={datasetPath(name)}>{name}</Link>
      </div>
    )
  }
  if (!found.data) return <Loading what="the dataset version" />
  return <VersionView commit={found.data} />
}

function VersionView({ commit }: { commit: Commit }) {
  const facts: [string, ReactNode][] = [
    ['commit', <span className="mono">{commit.commit_id}</span>],
    ['load with', <code>{commit.ref}</code>],
    ['message', commit.message || '—'],
    ['author', commit.author ?? '—'],
    ['created', formatIso(commit.created_at)],
    ['contents', `${formatCount(commit.files)} files, ${formatBytes(commit.bytes)}`],
    ['parents', <Parents commit={commit} />],
    ['branches and tags', <PointedBy commit={commit} />],
  ]
  return (
    <div className={styles.page}>
      <div>
        <Link to={datasetPath(commit.dataset)}>{commit.dataset}</Link>
        <h1><span className="mono">{`${commit.dataset}@${shortId(commit.commit_id)}`}</span></h1>
      </div>
      <Facts facts={facts} label="About this version" />
      <Files commit={commit} />
      <Lineage root={commit.ref} />
    </div>
  )
}

/** The commit(s) this one follows, each with a link to what changed since it. */
function Parents({ commit }: { commit: Commit }) {
  if (commit.parents.length === 0) return <>none: the first version</>
  return (
    <>
      {commit.parents.map((parent) => (
        <span key={parent}>
          <Link className="mono" to={dataVersionPath(commit.dataset, parent)}>{shortId(parent)}</Link>{' '}
          (<Link to={diffPath(commit.dataset, parent, commit.commit_id)}>what changed</Link>){' '}
        </span>
      ))}
    </>
  )
}

/** The branches and tags that point at this commit now. */
function PointedBy({ commit }: { commit: Commit }) {
  const dataset = useQuery(datasetQuery(commit.dataset))
  const names = (dataset.data?.refs ?? []).filter((ref) => ref.commit_id === commit.commit_id).map((ref) => ref.name)
  return <span className="mono">{names.join(', ') || '—'}</span>
}

function Files({ commit }: { commit: Commit }) {
  const [filter, setFilter] = useState('')
  const match = useDeferredValue(filter.trim())
  const files = useInfiniteQuery(filesPagesQuery(commit, match))
  const shown = files.data?.pages.flatMap((page) => page.items) ?? []
  const complete = files.isSuccess && !files.hasNextPage
  return (
    <Section title="Files" count={complete && !match ? shown.length : undefined}>
      {(match || shown.length > 0 || filter) && (
        <input className={styles.filter} type="search" placeholder="Filter files by path" aria-label="Filter files" value={filter} onChange={(e) => setFilter(e.target.value)} />
      )}
      {files.isError && <ErrorState error={files.error} title="Could not list the files" onRetry={() => void files.refetch()} />}
      {files.isPending && <Loading what="the files" />}
      {files.isSuccess && shown.length === 0 && (match ? <None>No path contains “{match}”.</None> : <None>This version holds no files.</None>)}
      {shown.length > 0 && (
        <>
          <table className={styles.table} aria-label="Files">
            <thead>
              <tr><th>Path</th><th className={styles.number}>Size</th><th>Digest</th></tr>
            </thead>
            <tbody>
              {shown.map((file) => (
                <FileRow key={file.path} file={file} />
              ))}
            </tbody>
          </table>
          <MorePages shown={shown.length} more={files.hasNextPage} loading={files.isFetchingNextPage} onMore={() => void files.fetchNextPage()} />
        </>
      )}
    </Section>
  )
}

/** A file, or an empty folder (kept so a checkout restores it), marked with a slash and no size. */
function FileRow({ file }: { file: DatasetFile }) {
  if (file.kind === 'dir') {
    return (
      <tr className={styles.folder}>
        <td className="mono">{file.path}/</td>
        <td className={styles.number}>folder</td>
        <td>—</td>
      </tr>
    )
  }
  return (
    <tr>
      <td className="mono">{file.path}</td>
      <td className={styles.number}>{formatBytes(file.size)}</td>
      <td className="mono" title={file.digest}>{shortId(file.digest)}</td>
    </tr>
  )
}
