/** What an object was made from and what was made from it: its lineage both ways, a few steps out. */
import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import { Link } from 'react-router'

import type { components } from '../api/schema'
import { None, Section } from '../run/Section'
import { ErrorState, Loading } from '../ui/State'
import { LINEAGE_DEPTH, lineageQuery } from './api'
import { lineageViews } from './lineage'
import styles from './Models.module.css'
import { RunLink } from './RunLink'

export function Lineage({ root }: { root: string }) {
  const upstream = useQuery(lineageQuery(root, 'upstream'))
  const downstream = useQuery(lineageQuery(root, 'downstream'))
  return (
    <Section title="Lineage">
      <LineageList title="Made from" graph={upstream} root={root} empty="Nothing is recorded as its source." />
      <LineageList title="Used by" graph={downstream} root={root} empty="Nothing is recorded as made from it yet." />
    </Section>
  )
}

function LineageList({ title, graph, root, empty }: {
  title: string
  graph: UseQueryResult<components['schemas']['LineageGraph']>
  root: string
  empty: string
}) {
  if (graph.isError) return <ErrorState error={graph.error} title={`Could not load what it was ${title.toLowerCase()}`} />
  if (!graph.data) return <Loading what="the lineage" />
  const views = lineageViews(graph.data.nodes, root)
  return (
    <div aria-label={title} role="group">
      <h3>{title}</h3>
      {views.length === 0 ? (
        <None>{empty}</None>
      ) : (
        <ul className={styles.lineage}>
          {views.map((view) => (
            <li key={view.ref} style={{ paddingLeft: `${String((view.depth - 1) * 16)}px` }}>
              <span className="faint">{view.kind}</span>{' '}
              {view.runId ? <RunLink runId={view.runId} /> : view.path ? <Link className="mono" to={view.path}>{view.ref}</Link> : <span className="mono">{view.ref}</span>}
            </li>
          ))}
        </ul>
      )}
      <p className="faint">
        {graph.data.truncated ? 'Only part of a large graph is shown; ' : ''}up to {LINEAGE_DEPTH} steps away.
      </p>
    </div>
  )
}
