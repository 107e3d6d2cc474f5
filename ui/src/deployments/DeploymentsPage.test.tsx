import { QueryClientProvider } from '@tanstack/react-query'
import { render, screen, within } from '@testing-library/react'
import type { ReactNode } from 'react'
import { MemoryRouter, Route, Routes } from 'react-router'
import { describe, expect, it, vi } from 'vitest'

import { createQueryClient } from '../api/queryClient'
import type { Deployment } from './format'

const deployment: Deployment = {
  name: 'churn-prod',
  status: 'running',
  models: [
    { served_name: 'churn', role: 'primary', uri: 'models:/churn@champion', model: 'churn', version: 3, weight: 0.9 },
    { served_name: 'churn', role: 'canary', uri: 'models:/churn/4', model: 'churn', version: 4, weight: 0.1 },
  ],
  url: 'http://10.0.0.5:8080',
  host: 'box-1',
  tether_version: '0.1.0',
  report_interval_s: 15,
  started_at: Date.now() - 60_000,
  last_seen_at: Date.now() - 5_000,
  stopped_at: null,
  stats: [
    { served_name: 'churn', at: Date.now(), window_s: 15, requests: 300, request_rate: 20, p50_ms: 4.2, p99_ms: 31, error_rate: 0.01, rows_per_s: 80 },
  ],
  history: [],
}
const point = deployment.stats?.[0]

// uPlot draws on a canvas, which jsdom has not: the charts stand in as labelled boxes.
vi.mock('../charts/LineChart', () => ({ LineChart: ({ label }: { label: string }) => <div role="img" aria-label={label} /> }))

// The API client binds fetch when it is created, so the stub goes in before the pages are imported.
const fetched: string[] = []
let history: Deployment['history'] = []
vi.stubGlobal('fetch', (request: Request) => {
  fetched.push(request.url)
  const path = new URL(request.url).pathname
  const body = path === '/api/v1/deployments' ? { items: [deployment], next_page_token: null } : { ...deployment, history }
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }))
})
const { DeploymentsPage } = await import('./DeploymentsPage')
const { DeploymentPage } = await import('./DeploymentPage')

function at(path: string, page: ReactNode) {
  return (
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/deployments" element={page} />
          <Route path="/deployments/:name" element={page} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>
  )
}

describe('the deployments pages', () => {
  it('list each deployment with its status, versions, traffic and latency', async () => {
    render(at('/deployments', <DeploymentsPage />))
    const link = await screen.findByRole('link', { name: 'churn-prod' })
    expect(link).toHaveAttribute('href', '/deployments/churn-prod')
    const row = within(link.closest('tr') ?? document.body)
    expect(row.getByText('Running')).toBeInTheDocument()
    expect(row.getByText('churn: v3 · 90 %, canary v4 · 10 %')).toBeInTheDocument()
    expect(row.getByText('20/s')).toBeInTheDocument()
    expect(row.getByText('4.2 ms / 31 ms')).toBeInTheDocument()
    expect(row.getByText('1 %')).toBeInTheDocument()
  })

  it('show one deployment with links to the versions it serves', async () => {
    render(at('/deployments/churn-prod', <DeploymentPage />))
    expect(await screen.findByRole('heading', { name: 'churn-prod' })).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'churn v3' })).toHaveAttribute('href', '/models/churn/versions/3')
    expect(screen.getByRole('link', { name: 'churn v4' })).toHaveAttribute('href', '/models/churn/versions/4')
    expect(screen.getByText('http://10.0.0.5:8080')).toBeInTheDocument()
    expect(screen.getByText(/No stats reported yet: the first window/)).toBeInTheDocument()
    expect(new URL(fetched.at(-1) ?? '').searchParams.get('windows')).toBe('240')
  })

  it('chart the recent windows', async () => {
    history = point ? [point, { ...point, at: point.at + 15_000 }] : []
    render(at('/deployments/churn-prod', <DeploymentPage />))
    for (const title of ['Requests per second', 'Latency (ms)', 'Error rate']) {
      expect(await screen.findByRole('img', { name: title })).toBeInTheDocument()
    }
  })
})
