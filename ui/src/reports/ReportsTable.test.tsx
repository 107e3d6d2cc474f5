import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes, useParams } from 'react-router'
import { describe, expect, it } from 'vitest'

import { filterFromParams } from './ExperimentReportsPage'
import { ReportsTable } from './ReportsTable'
import type { StoredReport } from './summary'

const reports: StoredReport[] = [
  {
    report_id: 'a1',
    subject: 'run:00ff00ff00ff00ff',
    experiment_id: '3',
    name: 'nightly checks',
    kind: 'suite',
    status: 'fail',
    summary: { pass: 4, fail: 1, error: 0, total: 5 },
    created_at: Date.now() - 60_000 * 5,
    size: 100,
  },
  {
    report_id: 'b2',
    subject: 'run:11aa11aa11aa11aa',
    experiment_id: '3',
    name: '',
    kind: 'report',
    status: null,
    summary: { dataset_drift: true, share_of_drifted_columns: 0.5, number_of_drifted_columns: 6 },
    created_at: Date.now() - 3_600_000 * 3,
    size: 100,
  },
]

function Opened() {
  return <div>opened {useParams().reportId}</div>
}

function show() {
  return render(
    <MemoryRouter initialEntries={['/experiments/3/reports']}>
      <Routes>
        <Route path="/experiments/3/reports" element={<ReportsTable reports={reports} showRun label="Reports" />} />
        <Route path="/reports/:reportId" element={<Opened />} />
      </Routes>
    </MemoryRouter>,
  )
}

describe('ReportsTable', () => {
  it('shows verdicts, findings and runs at a glance', () => {
    show()
    const rows = within(screen.getByRole('table', { name: 'Reports' })).getAllByRole('row').slice(1)
    expect(rows[0]).toHaveTextContent('Failed')
    expect(within(rows[0] as HTMLElement).getByLabelText('4 passed, 1 failed, 0 errors')).toBeInTheDocument()
    expect(rows[0]).toHaveTextContent('5 min ago')
    expect(rows[1]).toHaveTextContent('Drift')
    expect(rows[1]).toHaveTextContent('50% of columns drifted (6 columns)')
    expect(within(rows[1] as HTMLElement).getByRole('link', { name: 'Report' })).toHaveAttribute('href', '/reports/b2')
    expect(within(rows[1] as HTMLElement).getByRole('link', { name: '11aa11aa' })).toHaveAttribute('href', '/experiments/3/runs/11aa11aa11aa11aa')
  })

  it('moves with j/k and opens with Enter', async () => {
    show()
    const body = screen.getAllByRole('rowgroup')[1] as HTMLElement
    body.focus()
    await userEvent.keyboard('jkj{Enter}')
    expect(screen.getByText('opened b2')).toBeInTheDocument()
  })

  it('opens a report on a click anywhere in its row', async () => {
    show()
    await userEvent.click(screen.getByText('nightly checks').closest('tr')?.cells[2] as HTMLElement)
    expect(screen.getByText('opened a1')).toBeInTheDocument()
  })
})

describe('filterFromParams', () => {
  it('reads kind and outcome, ignoring unknown values', () => {
    expect(filterFromParams(new URLSearchParams('kind=suite&outcome=fail'))).toEqual({ kind: 'suite', outcome: 'fail' })
    expect(filterFromParams(new URLSearchParams('kind=pie&outcome=maybe'))).toEqual({ kind: '', outcome: '' })
  })
})
