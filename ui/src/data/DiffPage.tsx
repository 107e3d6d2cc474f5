/** What changed between two versions of a dataset (/data/:name/diff?old=&new=): files added, removed and
 * modified, with their sizes, and how many stayed the same. */
import { useQuery } from '@tanstack/react-query'
import { Link, useParams, useSearchParams } from 'react-router'

import { ApiError } from '../api/errors'
import { formatBytes } from '../artifacts/paths'
import { None, Section } from '../run/Section'
import { formatCount, plural } from '../ui/format'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import { diffQuery } from './api'
import styles from './Data.module.css'
import { shortId, sizeChange, type Diff, type FileChange } from './format'
import { dataVersionPath, datasetPath } from './paths'
import { ShowMore, useShown } from './ShowMore'

export function DiffPage() {
  const { name = '' } = useParams()
  const [params] = useSearchParams()
  const old = params.get('old') ?? ''
  const next = params.get('new') ?? ''
  const diff = useQuery({ ...diffQuery(name, old, next), enabled: old !== '' && next !== '' })
  const back = <Link to={datasetPath(name)}>{name}</Link>
  if (old === '' || next === '') {
    return (
      <div className={styles.page}>
        <EmptyState title="Pick two versions to compare">
          Tick two versions in the history of {back}, then <strong>Compare</strong>.
        </EmptyState>
      </div>
    )
  }
  if (diff.isError) {
    const missing = diff.error instanceof ApiError && diff.error.status === 404
    return (
      <div className={styles.page}>
        <ErrorState error={diff.error} title={missing ? 'No such version to compare' : 'Could not compare the versions'} onRetry={() => void diff.refetch()} />
        {back}
      </div>
    )
  }
  if (!diff.data) return <Loading what="the changes" />
  return <DiffView name={name} diff={diff.data} />
}

function DiffView({ name, diff }: { name: string; diff: Diff }) {
  const version = (id: string) => <Link className="mono" to={dataVersionPath(name, id)} title={id}>{shortId(id)}</Link>
  const { added, removed, modified, unchanged } = diff
  return (
    <div className={styles.page}>
      <div>
        <Link to={datasetPath(name)}>{name}</Link>
        <h1>Changes in <span className="mono">{name}</span></h1>
        <div className="faint">from {version(diff.old)} to {version(diff.new)}</div>
      </div>
      <p>
        {formatCount(added.length)} added, {formatCount(removed.length)} removed, {formatCount(modified.length)} modified,{' '}
        {plural(unchanged, 'file')} unchanged.
      </p>
      {diff.tables_skipped ? (
        <p className="faint">
          Rows and columns are shown for the first tables only: {plural(diff.tables_skipped, 'more table file')} changed
          without a summary.
        </p>
      ) : null}
      <Changes title="Added" changes={added} empty="No file was added." />
      <Changes title="Removed" changes={removed} empty="No file was removed." />
      <Changes title="Modified" changes={modified} empty="No file was modified." />
    </div>
  )
}

/** One kind of change; modified files show both sizes and the difference. */
function Changes({ title, changes, empty }: { title: 'Added' | 'Removed' | 'Modified'; changes: readonly FileChange[]; empty: string }) {
  const [shown, more] = useShown()
  const both = title === 'Modified'
  return (
    <Section title={title} count={changes.length}>
      {changes.length === 0 ? (
        <None>{empty}</None>
      ) : (
        <table className={styles.table} aria-label={title}>
          <thead>
            <tr>
              <th>Path</th>
              {both ? (
                <><th className={styles.number}>Old size</th><th className={styles.number}>New size</th><th className={styles.number}>Change</th></>
              ) : (
                <th className={styles.number}>Size</th>
              )}
            </tr>
          </thead>
          <tbody>
            {changes.slice(0, shown).map((change) => (
              <tr key={change.path}>
                <td className="mono">{change.path}{(change.new_kind ?? change.old_kind) === 'dir' ? '/' : ''}</td>
                {both ? (
                  <>
                    <td className={styles.number}>{formatBytes(change.old_size)}</td>
                    <td className={styles.number}>{formatBytes(change.new_size)}</td>
                    <td className={styles.number}>{sizeChange(change)}</td>
                  </>
                ) : (
                  <td className={styles.number}>{formatBytes(change.new_size ?? change.old_size)}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ShowMore shown={shown} total={changes.length} onMore={more} />
    </Section>
  )
}
