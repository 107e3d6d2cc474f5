/**
 * One deployment (/deployments/:name): where it runs, the model versions it answers with (linked to their
 * pages), its latest numbers and charts of its recent report windows.
 */
import { useQuery } from '@tanstack/react-query'
import { useMemo, type ReactNode } from 'react'
import { Link, useParams } from 'react-router'

import { ApiError } from '../api/errors'
import { LineChart } from '../charts/LineChart'
import { versionPath } from '../models/paths'
import { None, Section } from '../run/Section'
import { formatIso, formatRelative } from '../ui/format'
import { Facts } from '../ui/Facts'
import { ErrorState, Loading } from '../ui/State'
import { useNow } from '../ui/useNow'
import { deploymentQuery } from './api'
import styles from './Deployments.module.css'
import { formatMs, formatRate, formatShare, historySeries, type Deployment, type Lane, type StatsPoint } from './format'
import { DeploymentStatusBadge } from './StatusBadge'

export function DeploymentPage() {
  const { name = '' } = useParams()
  const found = useQuery(deploymentQuery(name))
  if (found.isError) {
    const missing = found.error instanceof ApiError && found.error.status === 404
    return (
      <div className="page">
        <ErrorState
          error={found.error}
          title={missing ? `No deployment named ${name}` : 'Could not load the deployment'}
          onRetry={() => void found.refetch()}
        />
        <Link to="/deployments">All deployments</Link>
      </div>
    )
  }
  if (!found.data) return <Loading what="the deployment" />
  return <DeploymentView deployment={found.data} />
}

function DeploymentView({ deployment }: { deployment: Deployment }) {
  const now = useNow(5_000)
  const facts: [string, ReactNode][] = [
    ['status', <DeploymentStatusBadge status={deployment.status} />],
    ['url', <span className="mono">{deployment.url}</span>],
    ['host', <span className="mono">{deployment.host || '—'}</span>],
    ['tether', <span className="mono">{deployment.tether_version || '—'}</span>],
    ['started', formatIso(deployment.started_at)],
    ['last seen', `${formatRelative(deployment.last_seen_at, now)} (reports every ${String(deployment.report_interval_s)} s)`],
  ]
  if (deployment.stopped_at) facts.push(['stopped', formatIso(deployment.stopped_at)])
  return (
    <div className="page">
      <div>
        <Link to="/deployments">Deployments</Link>
        <h1>
          <span className="mono">{deployment.name}</span>
        </h1>
      </div>
      <Facts facts={facts} label="About this deployment" />
      <Section title="Models">
        <ModelsTable lanes={deployment.models} />
      </Section>
      <Section title="Latest window">
        <LatestTable stats={deployment.stats ?? []} />
      </Section>
      <Section title="Recent traffic">
        <History history={deployment.history ?? []} />
      </Section>
    </div>
  )
}

function ModelsTable({ lanes }: { lanes: readonly Lane[] }) {
  return (
    <table className={styles.table} aria-label="Served models">
      <thead>
        <tr><th>Served as</th><th>Role</th><th>Model</th><th className={styles.number}>Share of requests</th></tr>
      </thead>
      <tbody>
        {lanes.map((lane) => (
          <tr key={`${lane.served_name}/${lane.role ?? 'primary'}`}>
            <td className="mono">{lane.served_name}</td>
            <td>{lane.role}</td>
            <td className="mono"><LaneModel lane={lane} /></td>
            <td className={styles.number}>{lane.role === 'shadow' ? 'a copy of each' : formatShare(lane.weight)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Each served name's numbers over the latest report window. */
function LatestTable({ stats }: { stats: readonly StatsPoint[] }) {
  if (stats.length === 0) return <None>No stats reported yet.</None>
  return (
    <table className={styles.table} aria-label="Latest window">
      <thead>
        <tr>
          <th>Served as</th><th className={styles.number}>Requests</th><th className={styles.number}>p50 / p99</th>
          <th className={styles.number}>Errors</th><th className={styles.number}>Rows</th><th>Window</th>
        </tr>
      </thead>
      <tbody>
        {stats.map((point) => (
          <tr key={point.served_name}>
            <td className="mono">{point.served_name}</td>
            <td className={styles.number}>{formatRate(point.request_rate)}</td>
            <td className={styles.number}>{`${formatMs(point.p50_ms)} / ${formatMs(point.p99_ms)}`}</td>
            <td className={styles.number}>{formatShare(point.error_rate)}</td>
            <td className={styles.number}>{formatRate(point.rows_per_s)}</td>
            <td>{`${String(point.window_s)} s to ${formatIso(point.at)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** The registered version answering, linked to its page; the URI for a folder or a run's package. */
function LaneModel({ lane }: { lane: Lane }) {
  if (!lane.model || !lane.version) return <span title={lane.uri}>{lane.uri}</span>
  return (
    <Link to={versionPath(lane.model, lane.version)} title={lane.uri}>
      {lane.model} v{lane.version}
    </Link>
  )
}

const CHARTS = [
  { title: 'Requests per second', measures: ['request_rate'] },
  { title: 'Latency (ms)', measures: ['p50_ms', 'p99_ms'] },
  { title: 'Error rate', measures: ['error_rate'] },
] as const

/** The recent report windows: requests, latency and errors per served name, cursors moving together. */
function History({ history }: { history: readonly StatsPoint[] }) {
  const charts = useMemo(
    () => CHARTS.map((chart) => ({ title: chart.title, series: historySeries(history, chart.measures) })),
    [history],
  )
  if (history.length === 0) return <None>No stats reported yet: the first window arrives one report interval after the start.</None>
  return (
    <div className={styles.charts}>
      {charts.map((chart) => (
        <figure key={chart.title} className={styles.chart}>
          <h3>{chart.title}</h3>
          <LineChart series={chart.series} xMode="wall" height={180} syncKey="deployment" label={chart.title} />
        </figure>
      ))}
    </div>
  )
}
