import { QueryClientProvider } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import type { ReactNode } from 'react'
import { MemoryRouter } from 'react-router'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { createQueryClient } from '../api/queryClient'

// The API client binds fetch when it is created, so the stub goes in before the component is imported.
const fetched: string[] = []
let answer: unknown = { items: [], next_page_token: null }
vi.stubGlobal('fetch', (request: Request) => {
  fetched.push(request.url)
  return Promise.resolve(new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } }))
})
const { RunReports } = await import('./RunReports')

function wrap(children: ReactNode) {
  return (
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>{children}</MemoryRouter>
    </QueryClientProvider>
  )
}

afterEach(() => {
  fetched.length = 0
})

describe('RunReports', () => {
  it('lists the run’s reports with their verdicts, each linking to the viewer', async () => {
    answer = {
      items: [
        {
          report_id: 'f00d',
          subject: 'run:abc',
          experiment_id: '2',
          name: 'gate',
          kind: 'suite',
          status: 'pass',
          summary: { pass: 3, fail: 0, error: 0, total: 3 },
          created_at: Date.now(),
          size: 9,
        },
      ],
      next_page_token: null,
    }
    render(wrap(<RunReports runId="abc" />))
    expect(await screen.findByRole('link', { name: 'gate' })).toHaveAttribute('href', '/reports/f00d')
    expect(screen.getByText('Passed')).toBeInTheDocument()
    expect(screen.queryByRole('columnheader', { name: 'Run' })).toBeNull()
    expect(new URL(fetched[0] ?? '').searchParams.get('subject')).toBe('run:abc')
  })

  it('says how to log one when there are none', async () => {
    answer = { items: [], next_page_token: null }
    render(wrap(<RunReports runId="abc" />))
    expect(await screen.findByText('No reports for this run')).toBeInTheDocument()
    expect(screen.getByText(/tt\.log_report\(result, name="weekly check", run_id="abc"\)/)).toBeInTheDocument()
  })
})
