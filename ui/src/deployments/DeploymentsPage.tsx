/** The deployments: each running model server, the versions it answers with, and how it is doing now. */
import { useInfiniteQuery } from '@tanstack/react-query'
import { Link } from 'react-router'

import { Button } from '../ui/Button'
import { formatRelative } from '../ui/format'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import { useNow } from '../ui/useNow'
import { deploymentPagesQuery } from './api'
import styles from './Deployments.module.css'
import { formatMs, formatRate, formatShare, laneLabel, lanesByName, type Deployment, type Lane } from './format'
import { deploymentPath } from './paths'
import { DeploymentStatusBadge } from './StatusBadge'

export function DeploymentsPage() {
  const pages = useInfiniteQuery(deploymentPagesQuery())
  const deployments = pages.data?.pages.flatMap((page) => page.items) ?? []
  const now = useNow(5_000)

  return (
    <div className="page">
      <h1>Deployments</h1>
      {pages.isPending ? (
        <Loading what="deployments" />
      ) : pages.isError ? (
        <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />
      ) : deployments.length === 0 ? (
        <EmptyState title="No deployments yet">
          A model server shows here once it runs with a name: <code>tether serve models:/churn@champion --deployment churn-prod</code>
        </EmptyState>
      ) : (
        <table className={styles.table} aria-label="Deployments">
          <thead>
            <tr>
              <th>Name</th><th>Status</th><th>Models</th><th className={styles.number}>Requests</th>
              <th className={styles.number}>p50 / p99</th><th className={styles.number}>Errors</th><th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {deployments.map((deployment) => (
              <DeploymentRow key={deployment.name} deployment={deployment} now={now} />
            ))}
          </tbody>
        </table>
      )}
      {pages.hasNextPage && <Button onClick={() => void pages.fetchNextPage()}>Load more</Button>}
    </div>
  )
}

/** One deployment; the models and numbers are one line per served name. */
function DeploymentRow({ deployment, now }: { deployment: Deployment; now: number }) {
  const served = lanesByName(deployment.models)
  const stats = new Map((deployment.stats ?? []).map((point) => [point.served_name, point]))
  const perName = (show: (name: string, lanes: Lane[]) => string) => (
    <ul className={styles.lines}>
      {served.map(([name, lanes]) => (
        <li key={name}>{show(name, lanes)}</li>
      ))}
    </ul>
  )
  return (
    <tr>
      <td className="mono"><Link to={deploymentPath(deployment.name)}>{deployment.name}</Link></td>
      <td><DeploymentStatusBadge status={deployment.status} /></td>
      <td className="mono">{perName((name, lanes) => `${name}: ${lanes.map(laneLabel).join(', ')}`)}</td>
      <td className={styles.number}>{perName((name) => formatRate(stats.get(name)?.request_rate))}</td>
      <td className={styles.number}>
        {perName((name) => `${formatMs(stats.get(name)?.p50_ms)} / ${formatMs(stats.get(name)?.p99_ms)}`)}
      </td>
      <td className={styles.number}>{perName((name) => formatShare(stats.get(name)?.error_rate))}</td>
      <td title={new Date(deployment.last_seen_at).toISOString()}>{formatRelative(deployment.last_seen_at, now)}</td>
    </tr>
  )
}
