/** The registered models: name, description, latest version, aliases and when each last changed. */
import { useInfiniteQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'

import { Button } from '../ui/Button'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import { formatIso } from '../ui/format'
import { useDebounced } from '../ui/useDebounced'
import { modelPagesQuery } from './api'
import styles from './Models.module.css'
import { modelPath } from './paths'

export function ModelsPage() {
  const [filter, setFilter] = useState('')
  const nameLike = useDebounced(filter.trim(), 300)
  const pages = useInfiniteQuery({ ...modelPagesQuery(nameLike), placeholderData: (previous) => previous })
  const models = pages.data?.pages.flatMap((page) => page.items) ?? []

  return (
    <div className={styles.page}>
      <h1>Models</h1>
      <input type="search" placeholder="Filter models by name" aria-label="Filter models" value={filter} onChange={(e) => setFilter(e.target.value)} />
      {pages.isPending ? (
        <Loading what="models" />
      ) : pages.isError ? (
        <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />
      ) : models.length === 0 ? (
        <EmptyState title={nameLike ? 'No model matches' : 'No registered models yet'}>
          Register one when you log it: <code>tt.log_model(..., registered_model_name="churn")</code>
        </EmptyState>
      ) : (
        <table className={styles.table} aria-label="Registered models">
          <thead>
            <tr><th>Name</th><th>Description</th><th>Latest version</th><th>Aliases</th><th>Updated</th></tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr key={model.name}>
                <td className={styles.mono}><Link to={modelPath(model.name)}>{model.name}</Link></td>
                <td>{model.description}</td>
                <td className={styles.mono}>{model.latest_version ?? '—'}</td>
                <td className={styles.mono}>{(model.aliases ?? []).map((a) => `${a.alias} → ${String(a.version)}`).join(', ')}</td>
                <td>{formatIso(model.updated_time)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages.hasNextPage && <Button onClick={() => void pages.fetchNextPage()}>Load more</Button>}
    </div>
  )
}
