/** The experiments, always one click away, with a filter for long lists. */
import { useMemo, useState } from 'react'
import { Link, NavLink } from 'react-router'

import { DATASETS_PATH } from '../data/paths'
import { matchExperiments } from '../experiments/search'
import { useExperiments, useRunCounts } from '../experiments/api'
import { formatCount } from '../ui/format'
import { cx } from '../ui/cx'
import { Logo } from './Logo'
import styles from './Shell.module.css'

/** More than this many matches are not drawn; typing narrows the list. */
const SHOWN = 300

export function Sidebar() {
  const [query, setQuery] = useState('')
  const experiments = useExperiments()
  const ids = useMemo(() => experiments.data?.map((e) => e.experiment_id), [experiments.data])
  const counts = useRunCounts(ids).data
  const matches = useMemo(() => matchExperiments(experiments.data ?? [], query), [experiments.data, query])

  return (
    <nav className={styles.sidebar} aria-label="Experiments">
      <Link to="/" className={styles.brand}>
        <Logo /> tether
      </Link>
      <div className={styles.sectionHead}>
        <Link to={DATASETS_PATH}>Datasets</Link>
      </div>
      <div className={styles.sectionHead}>
        <Link to="/models">Models</Link>
      </div>
      <div className={styles.sectionHead}>
        <Link to="/deployments">Deployments</Link>
      </div>
      <div className={styles.sectionHead}>
        <Link to="/">Experiments</Link>
        {experiments.data && <span>{formatCount(experiments.data.length)}</span>}
      </div>
      <div className={styles.sideSearch}>
        <input type="search" placeholder="Filter experiments" aria-label="Filter experiments" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <ul className={styles.list}>
        {matches.slice(0, SHOWN).map((experiment) => (
          <li key={experiment.experiment_id}>
            <NavLink
              to={`/experiments/${experiment.experiment_id}`}
              className={({ isActive }) => cx(styles.item, isActive && styles.active)}
              title={experiment.name}
            >
              <span className={styles.itemName}>{experiment.name}</span>
              {counts?.[experiment.experiment_id] !== undefined && (
                <span className={styles.itemCount}>{formatCount(counts[experiment.experiment_id] ?? 0)}</span>
              )}
            </NavLink>
          </li>
        ))}
        {matches.length > SHOWN && <li className={styles.more}>{formatCount(matches.length - SHOWN)} more: type to narrow the list</li>}
        {experiments.data && matches.length === 0 && <li className={styles.more}>No experiment matches “{query}”.</li>}
        {experiments.isError && <li className={styles.more}>Could not load the experiments.</li>}
      </ul>
    </nav>
  )
}
