import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'

import { ColumnPicker, ColumnPickerPanel } from './ColumnPicker'
import { pickerSections, toggleColumn } from './columnChoice'

const keys = { metrics: ['auc', 'val_loss', 'loss'], params: ['lr', 'loss_fn'], tags: ['team'] }

describe('column choice', () => {
  it('searches all entities, or one with a prefix', () => {
    expect(pickerSections(keys, 'loss').map((s) => [s.entity, s.keys])).toEqual([
      ['metrics', ['val_loss', 'loss']],
      ['params', ['loss_fn']],
    ])
    expect(pickerSections(keys, 'params.loss').map((s) => [s.entity, s.keys])).toEqual([['params', ['loss_fn']]])
    expect(pickerSections(keys, 'zzz')).toEqual([])
  })

  it('caps long sections and says how many more match', () => {
    const many = { metrics: Array.from({ length: 5 }, (_, i) => `m${i}`), params: [], tags: [] }
    expect(pickerSections(many, '', 3)[0]).toMatchObject({ keys: ['m0', 'm1', 'm2'], hidden: 2 })
  })

  it('adds columns at the end and removes them in place', () => {
    expect(toggleColumn(['metrics.auc'], 'params', 'lr')).toEqual(['metrics.auc', 'params.lr'])
    expect(toggleColumn(['metrics.auc', 'params.lr'], 'metrics', 'auc')).toEqual(['params.lr'])
  })
})

describe('ColumnPicker', () => {
  it('opens, filters by search and toggles columns', async () => {
    const user = userEvent.setup()
    const onChange = vi.fn()
    render(<ColumnPicker keys={keys} columns={['metrics.auc']} onChange={onChange} onReset={vi.fn()} />)
    await user.click(screen.getByRole('button', { name: 'Columns · 1' }))
    expect(screen.getByRole('checkbox', { name: 'auc' })).toBeChecked()
    await user.type(screen.getByRole('searchbox', { name: 'Search keys' }), 'lr')
    expect(screen.queryByRole('checkbox', { name: 'auc' })).not.toBeInTheDocument()
    await user.click(screen.getByRole('checkbox', { name: 'lr' }))
    expect(onChange).toHaveBeenCalledWith(['metrics.auc', 'params.lr'])
  })

  it('resets to the default columns and hides them all', async () => {
    const user = userEvent.setup()
    const onChange = vi.fn()
    const onReset = vi.fn()
    render(<ColumnPickerPanel keys={keys} columns={['metrics.auc']} onChange={onChange} onReset={onReset} />)
    await user.click(screen.getByRole('button', { name: 'Default columns' }))
    expect(onReset).toHaveBeenCalled()
    await user.click(screen.getByRole('button', { name: 'Hide all' }))
    expect(onChange).toHaveBeenCalledWith([])
  })

  it('says so when nothing was logged', async () => {
    const user = userEvent.setup()
    render(<ColumnPicker keys={{ metrics: [], params: [], tags: [] }} columns={[]} onChange={vi.fn()} onReset={vi.fn()} />)
    await user.click(screen.getByRole('button', { name: /Columns/ }))
    expect(screen.getByText('No params, metrics or tags logged yet.')).toBeInTheDocument()
  })
})
