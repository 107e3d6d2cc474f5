/**
 * Every view has a URL. Pages load on demand (one chunk each), so the first screen only pays for the shell.
 * New pages add a route here and live in their resource's folder.
 */
import { createBrowserRouter } from 'react-router'

import { onUnauthorized } from '../api/unauthorized'
import { Loading } from '../ui/State'
import { NotFound } from '../shell/NotFound'
import { RouteError } from '../shell/RouteError'
import { Shell } from '../shell/Shell'

function PageLoading() {
  return <Loading what="tether" />
}

export const router = createBrowserRouter([
  {
    path: '/login',
    lazy: async () => ({ Component: (await import('../auth/LoginPage')).LoginPage }),
    HydrateFallback: PageLoading,
  },
  {
    Component: Shell,
    ErrorBoundary: RouteError,
    HydrateFallback: PageLoading,
    children: [
      { index: true, lazy: async () => ({ Component: (await import('../experiments/ExperimentsPage')).ExperimentsPage }) },
      { path: 'experiments/:experimentId', lazy: async () => ({ Component: (await import('../runs/RunsPage')).RunsPage }) },
      { path: 'experiments/:experimentId/runs/:runId', lazy: async () => ({ Component: (await import('../run/RunPage')).RunPage }) },
      { path: 'compare', lazy: async () => ({ Component: (await import('../compare/ComparePage')).ComparePage }) },
      { path: 'experiments/:experimentId/reports', lazy: async () => ({ Component: (await import('../reports/ExperimentReportsPage')).ExperimentReportsPage }) },
      { path: 'models', lazy: async () => ({ Component: (await import('../models/ModelsPage')).ModelsPage }) },
      { path: 'models/:name', lazy: async () => ({ Component: (await import('../models/ModelPage')).ModelPage }) },
      { path: 'models/:name/versions/:version', lazy: async () => ({ Component: (await import('../models/VersionPage')).VersionPage }) },
      { path: 'data', lazy: async () => ({ Component: (await import('../data/DatasetsPage')).DatasetsPage }) },
      { path: 'data/:name', lazy: async () => ({ Component: (await import('../data/DatasetPage')).DatasetPage }) },
      { path: 'data/:name/diff', lazy: async () => ({ Component: (await import('../data/DiffPage')).DiffPage }) },
      { path: 'data/:name/:rev', lazy: async () => ({ Component: (await import('../data/DataVersionPage')).DataVersionPage }) },
      { path: 'deployments', lazy: async () => ({ Component: (await import('../deployments/DeploymentsPage')).DeploymentsPage }) },
      { path: 'deployments/:name', lazy: async () => ({ Component: (await import('../deployments/DeploymentPage')).DeploymentPage }) },
      { path: 'reports/:reportId', lazy: async () => ({ Component: (await import('../reports/ReportPage')).ReportPage }) },
      { path: '*', Component: NotFound },
    ],
  },
])

// A 401 from any request: sign in, then come back here.
onUnauthorized(() => {
  const { pathname, search } = router.state.location
  if (pathname === '/login') return
  void router.navigate(`/login?next=${encodeURIComponent(pathname + search)}`, { replace: true })
})
