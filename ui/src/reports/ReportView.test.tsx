import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { ReportDocument } from './document'
import { reportFixture, suiteFixture } from './fixtures'
import { ReportView } from './ReportView'

function show(document: ReportDocument, at = '/reports/r1') {
  return render(
    <MemoryRouter initialEntries={[at]}>
      <ReportView document={document} />
    </MemoryRouter>,
  )
}

function section(anchor: string): HTMLElement {
  const element = document.getElementById(anchor)
  if (!element) throw new Error(`no section ${anchor}`)
  return element
}

const scrolled = vi.fn()

beforeEach(() => {
  Element.prototype.scrollIntoView = scrolled
})

afterEach(() => {
  scrolled.mockReset()
})

describe('ReportView', () => {
  it('lists every metric in the contents and gives each a section', () => {
    show(reportFixture())
    const contents = screen.getByRole('navigation', { name: 'Sections' })
    expect(within(contents).getAllByRole('link').map((link) => link.textContent)).toEqual(['Data drift', 'Data quality', 'Classification performance'])
    expect(section('metric-DataDrift')).toBeInTheDocument()
    expect(section('metric-ClassificationPerformance')).toBeInTheDocument()
  })

  it('scrolls to the section a deep link names', () => {
    show(reportFixture(), '/reports/r1#metric-ClassificationPerformance')
    expect(scrolled).toHaveBeenCalled()
    expect(scrolled.mock.contexts[0]).toBe(section('metric-ClassificationPerformance'))
  })

  it('draws values as big numbers with the reference and the change', () => {
    show(reportFixture())
    const metric = section('metric-ClassificationPerformance')
    const accuracy = within(metric).getByText('Accuracy').closest('[data-kind="value"]')
    expect(accuracy).not.toBeNull()
    expect(accuracy).toHaveTextContent('0.649375')
    expect(accuracy).toHaveTextContent('reference 0.6485')
    expect(accuracy).toHaveTextContent('▲ +0.000875')
    const drift = section('metric-DataDrift')
    expect(within(drift).getByText('Share of drifted columns').parentElement).toHaveTextContent('33.3%')
  })

  it('draws tables that sort and highlight drifted rows', async () => {
    show(reportFixture())
    const table = screen.getByRole('table', { name: 'Drift by column' })
    const bodyRows = () => within(table).getAllByRole('row').slice(1) as HTMLTableRowElement[]
    expect(bodyRows().filter((row) => row.dataset.drifted === 'true').map((row) => row.cells[0]?.textContent)).toEqual(['x0', 'x3', 'x5', 'plan'])
    expect(within(table).getAllByText('drifted', { selector: 'td span' })).toHaveLength(4)

    const score = within(table).getByRole('button', { name: /score/ })
    await userEvent.click(score)
    expect(score.closest('th')).toHaveAttribute('aria-sort', 'ascending')
    expect(bodyRows()[0]?.cells[0]?.textContent).toBe('channel')
    await userEvent.click(score)
    expect(score.closest('th')).toHaveAttribute('aria-sort', 'descending')
    expect(bodyRows()[0]?.cells[0]?.textContent).toBe('x0')
  })

  it('collapses more than ten distributions behind a column search', async () => {
    show(reportFixture())
    const drift = section('metric-DataDrift')
    const toggles = within(drift).getAllByRole('button', { expanded: false })
    expect(toggles).toHaveLength(12)
    expect(within(drift).queryAllByRole('img')).toHaveLength(0)

    await userEvent.type(within(drift).getByRole('searchbox', { name: 'Search columns' }), 'pla')
    expect(within(drift).getByText('1 of 12 columns')).toBeInTheDocument()
    const plan = within(drift).getByRole('button', { name: /plan/ })
    await userEvent.click(plan)
    expect(plan).toHaveAttribute('aria-expanded', 'true')
    const chart = within(drift).getByRole('img')
    expect(chart).toHaveAccessibleName('plan: reference and current shares over 3 categories')
    expect(chart.querySelectorAll('g title')).toHaveLength(3)
  })

  it('draws a few distributions open, numeric bins as ranges', () => {
    show(suiteFixture())
    const regression = section('metric-RegressionPerformance')
    const chart = within(regression).getByRole('img', { name: /Error distribution/ })
    const bins = chart.querySelectorAll('g title')
    expect(bins).toHaveLength(14)
    expect(bins[0]?.textContent).toMatch(/^-?[\d.e+]+ – -?[\d.e+]+\nreference [\d.]+%\ncurrent [\d.]+%$/)
  })

  it('draws curves as lines, one per side', () => {
    show(reportFixture())
    const roc = screen.getByRole('img', { name: 'ROC curve: true positive rate against false positive rate' })
    expect(roc.querySelectorAll('path')).toHaveLength(2)
    expect(roc.querySelector('path')?.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/)
  })

  it('draws matrices as a grid of numbers', () => {
    show(reportFixture())
    const matrix = screen.getByRole('table', { name: 'Confusion matrix (rows: actual, columns: predicted)' })
    const cells = within(matrix).getAllByRole('cell')
    expect(cells).toHaveLength(4)
    expect(cells.every((cell) => /^\d+$/.test(cell.textContent))).toBe(true)
  })

  it('shows what could not be computed, and why', () => {
    show(suiteFixture())
    const regression = section('metric-RegressionPerformance')
    const box = within(regression).getByText(/not computed/).closest('[data-kind="not_computed"]')
    expect(box).toHaveTextContent("the reference data has no column 'predicted'")
  })

  it('puts a suite’s tests first, failures before errors before passes', () => {
    show(suiteFixture())
    const tests = section('tests')
    expect(screen.getByRole('navigation', { name: 'Sections' }).firstElementChild?.nextElementSibling).toHaveTextContent('Tests')
    const rows = within(tests).getAllByRole('row').slice(1) as HTMLTableRowElement[]
    const statuses = rows.map((row) => row.cells[0]?.textContent)
    expect(statuses).toEqual(['Fail', 'Fail', 'Fail', 'Fail', 'Error', 'Pass'])
    expect(rows[4]).toHaveTextContent('no reference value to compare with')
    expect(rows[0]).toHaveTextContent('< 20')
  })

  it('hides passing tests on request', async () => {
    show(suiteFixture())
    const tests = section('tests')
    await userEvent.click(within(tests).getByRole('checkbox', { name: 'Only failures and errors' }))
    expect(within(tests).getAllByRole('row')).toHaveLength(6)
  })
})
