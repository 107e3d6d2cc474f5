/** Shown when a page throws while rendering or its code cannot load (often: a new version was deployed). */
import { useRouteError } from 'react-router'

import { ErrorState } from '../ui/State'

export function RouteError() {
  const error = useRouteError()
  return (
    <div className="page">
      <ErrorState error={error} title="This page failed to load" onRetry={() => window.location.reload()} />
    </div>
  )
}
