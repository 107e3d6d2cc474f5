import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'

import { FilterBox } from './FilterBox'

const keys = { metrics: ['accuracy', 'auc'], params: ['model'], tags: [] }

function setup(props: Partial<Parameters<typeof FilterBox>[0]> = {}) {
  const onChange = vi.fn()
  const view = render(<FilterBox value="" onChange={onChange} keys={keys} error={null} debounceMs={20} {...props} />)
  return { onChange, input: screen.getByRole('combobox', { name: 'Filter runs' }), ...view }
}

describe('FilterBox', () => {
  it('suggests keys after an entity prefix and inserts the chosen one', async () => {
    const user = userEvent.setup()
    const { input } = setup()
    await user.type(input, 'metrics.a')
    const options = screen.getAllByRole('option').map((option) => option.textContent)
    expect(options).toEqual(['accuracymetrics', 'aucmetrics'])
    await user.keyboard('{ArrowDown}{Enter}')
    expect(input).toHaveValue('metrics.auc ')
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument()
  })

  it('accepts a suggestion with Tab and with a click', async () => {
    const user = userEvent.setup()
    const { input } = setup()
    await user.type(input, 'par')
    await user.keyboard('{Tab}')
    expect(input).toHaveValue('params.')
    await user.click(screen.getByRole('option', { name: /model/ }))
    expect(input).toHaveValue('params.model ')
  })

  it('closes the suggestions with Escape', async () => {
    const user = userEvent.setup()
    const { input } = setup()
    await user.type(input, 'metrics.')
    expect(screen.getByRole('listbox')).toBeInTheDocument()
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument()
  })

  it('applies the filter once typing pauses, and at once on Enter', async () => {
    const user = userEvent.setup()
    const { input, onChange } = setup()
    await user.type(input, 'status = "FAILED"')
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith('status = "FAILED"'))
    expect(onChange).toHaveBeenCalledTimes(1)
    onChange.mockClear()
    fireEvent.change(input, { target: { value: 'x' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    expect(onChange).toHaveBeenCalledWith('x')
  })

  it('marks the token at the error position and shows the message', () => {
    const filter = 'metrics.loss <> 1'
    const { input } = setup({ value: filter, error: { message: "unexpected '<>' at column 14", position: 13 } })
    expect(screen.getByTestId('filter-error-mark')).toHaveTextContent('<>')
    expect(screen.getByTestId('filter-mirror')).toHaveTextContent(filter)
    expect(input).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByRole('alert')).toHaveTextContent("unexpected '<>' at column 14")
  })

  it('marks the end when something is missing there', () => {
    setup({ value: 'metrics.auc >', error: { message: 'expected a number', position: 13 } })
    expect(screen.getByTestId('filter-error-mark')).toBeEmptyDOMElement()
  })

  it('shows the message without a mark when the position is unknown', () => {
    setup({ value: 'x', error: { message: 'bad', position: -1 } })
    expect(screen.queryByTestId('filter-error-mark')).not.toBeInTheDocument()
    expect(screen.getByRole('alert')).toHaveTextContent('bad')
  })

  it('hides the error once the text is edited', async () => {
    const user = userEvent.setup()
    const { input } = setup({ value: 'metrics.loss <> 1', error: { message: 'bad', position: 13 } })
    await user.type(input, '2')
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    expect(input).not.toHaveAttribute('aria-invalid')
  })

  it('shows a filter set from outside (a link, the back button)', () => {
    const { input, rerender, onChange } = setup({ value: 'a' })
    rerender(<FilterBox value="params.model = 'rf'" onChange={onChange} keys={keys} error={null} />)
    expect(input).toHaveValue("params.model = 'rf'")
  })

  it('focuses on "/" from anywhere on the page', () => {
    const { input } = setup()
    act(() => {
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }))
    })
    expect(input).toHaveFocus()
  })
})
