/** The datasets: each one's number of commits, its branches and tags, and when it was created. */
import { useInfiniteQuery } from '@tanstack/react-query'
import { Link } from 'react-router'

import { formatIso } from '../ui/format'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import { datasetsPagesQuery } from './api'
import styles from './Data.module.css'
import { branchesOf, tagsOf, type DataRef, type Dataset } from './format'
import { datasetPath } from './paths'
import { MorePages } from './ShowMore'

export function DatasetsPage() {
  const datasets = useInfiniteQuery(datasetsPagesQuery())
  const shown = datasets.data?.pages.flatMap((page) => page.items) ?? []
  return (
    <div className={styles.page}>
      <h1>Datasets</h1>
      {datasets.isPending ? (
        <Loading what="datasets" />
      ) : datasets.isError ? (
        <ErrorState error={datasets.error} onRetry={() => void datasets.refetch()} />
      ) : shown.length === 0 ? (
        <EmptyState title="No datasets yet">
          A folder becomes the first version of a dataset with <code>tether data add ./folder --name NAME</code>
        </EmptyState>
      ) : (
        <>
          <table className={styles.table} aria-label="Datasets">
            <thead>
              <tr><th>Name</th><th className={styles.number}>Commits</th><th>Branches</th><th>Tags</th><th>Created</th></tr>
            </thead>
            <tbody>
              {shown.map((dataset) => (
                <DatasetRow key={dataset.name} dataset={dataset} />
              ))}
            </tbody>
          </table>
          <MorePages shown={shown.length} more={datasets.hasNextPage} loading={datasets.isFetchingNextPage} onMore={() => void datasets.fetchNextPage()} />
        </>
      )}
    </div>
  )
}

function DatasetRow({ dataset }: { dataset: Dataset }) {
  const names = (refs: DataRef[]) => refs.map((ref) => ref.name).join(', ') || '—'
  return (
    <tr>
      <td className="mono"><Link to={datasetPath(dataset.name)}>{dataset.name}</Link></td>
      <td className={styles.number}>{dataset.commits}</td>
      <td className="mono">{names(branchesOf(dataset))}</td>
      <td className="mono">{names(tagsOf(dataset))}</td>
      <td>{formatIso(dataset.created_at)}{dataset.created_by ? ` by ${dataset.created_by}` : ''}</td>
    </tr>
  )
}
