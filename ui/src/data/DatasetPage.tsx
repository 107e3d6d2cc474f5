/** One dataset (/data/:name): its branches and tags, and the history of a branch (?branch=, main by default). */
import { useQuery } from '@tanstack/react-query'
import { Link, useParams, useSearchParams } from 'react-router'

import { ApiError } from '../api/errors'
import { None, Section } from '../run/Section'
import { formatIso, plural } from '../ui/format'
import { ErrorState, Loading } from '../ui/State'
import { datasetQuery } from './api'
import styles from './Data.module.css'
import { branchesOf, defaultBranch, shortId, type Dataset } from './format'
import { History } from './History'
import { DATASETS_PATH, dataVersionPath, datasetPath } from './paths'

export function DatasetPage() {
  const { name = '' } = useParams()
  const dataset = useQuery(datasetQuery(name))
  if (dataset.isError) {
    const missing = dataset.error instanceof ApiError && dataset.error.status === 404
    return (
      <div className={styles.page}>
        <ErrorState
          error={dataset.error}
          title={missing ? `No dataset named ${name}` : 'Could not load the dataset'}
          onRetry={() => void dataset.refetch()}
        />
        <Link to={DATASETS_PATH}>All datasets</Link>
      </div>
    )
  }
  if (!dataset.data) return <Loading what="the dataset" />
  return <DatasetView dataset={dataset.data} />
}

function DatasetView({ dataset }: { dataset: Dataset }) {
  const [params, setParams] = useSearchParams()
  const branch = params.get('branch') ?? defaultBranch(dataset)
  const branches = branchesOf(dataset).map((ref) => ref.name)
  const choose = (next: string) => setParams({ branch: next }, { replace: true })
  return (
    <div className={styles.page}>
      <div>
        <Link to={DATASETS_PATH}>Datasets</Link>
        <h1><span className="mono">{dataset.name}</span></h1>
        <div className="faint">
          {plural(dataset.commits, 'commit')}, created {formatIso(dataset.created_at)}
          {dataset.created_by ? ` by ${dataset.created_by}` : ''}
        </div>
      </div>
      <Refs dataset={dataset} />
      <Section
        title="History"
        actions={
          <label className="toolbar">
            Branch
            <select value={branch} onChange={(e) => choose(e.target.value)}>
              {(branches.includes(branch) ? branches : [branch, ...branches]).map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </label>
        }
      >
        <History key={branch} name={dataset.name} rev={branch} />
      </Section>
    </div>
  )
}

/** Where each branch and tag points; a branch's name shows its history, a commit opens the version. */
function Refs({ dataset }: { dataset: Dataset }) {
  return (
    <Section title="Branches and tags" count={dataset.refs.length}>
      {dataset.refs.length === 0 ? <None>No branch or tag points at a commit.</None> : <RefsTable dataset={dataset} />}
    </Section>
  )
}

function RefsTable({ dataset }: { dataset: Dataset }) {
  return (
    <table className={styles.table} aria-label="Branches and tags">
      <thead>
        <tr><th>Name</th><th>Kind</th><th>Commit</th><th>Updated</th></tr>
      </thead>
      <tbody>
        {dataset.refs.map((ref) => (
          <tr key={ref.name}>
            <td className="mono">
              <Link to={ref.kind === 'branch' ? datasetPath(dataset.name, ref.name) : dataVersionPath(dataset.name, ref.name)}>{ref.name}</Link>
            </td>
            <td>{ref.kind}</td>
            <td className="mono"><Link to={dataVersionPath(dataset.name, ref.commit_id)}>{shortId(ref.commit_id)}</Link></td>
            <td>{formatIso(ref.updated_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
