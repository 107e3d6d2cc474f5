import { QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes } from 'react-router'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { createQueryClient } from '../api/queryClient'
import { commitId, makeCommit, makeDataset } from '../test/data'
import { makeRun } from '../test/runs'
import type { Dataset, DatasetFile, Diff } from './format'

const first = makeCommit({ commit_id: commitId('a'), message: 'October export', files: 2, bytes: 2048 })
const second = makeCommit({ commit_id: commitId('b'), parents: [first.commit_id], message: 'November export', files: 3, bytes: 3072 })
const dataset = makeDataset({
  commits: 2,
  refs: [
    { name: 'main', kind: 'branch', commit_id: second.commit_id, updated_at: second.created_at },
    { name: 'v1', kind: 'tag', commit_id: first.commit_id, updated_at: first.created_at },
  ],
})
const tree: DatasetFile[] = [
  { path: 'empty', kind: 'dir', digest: '', size: 0, mode: 0o755 },
  { path: 'train.csv', kind: 'file', digest: 'd'.repeat(64), size: 2048, mode: 0o644 },
]
/** The files of the version; a test makes it longer. */
let files = tree
const diff: Diff = {
  old: first.commit_id,
  new: second.commit_id,
  added: [{ path: 'extra.csv', old_size: null, new_size: 512 }],
  removed: [],
  modified: [{ path: 'train.csv', old_size: 1024, new_size: 2048 }],
  unchanged: 4,
}
const run = makeRun({ run_name: 'train-churn', experiment_id: '3' })

type Answer = [status: number, body: unknown]
const NOT_FOUND = (message: string): Answer => [404, { error: { code: 'NOT_FOUND', message } }]

/** What the server holds for these tests; a test changes it before it renders. */
let datasets: Dataset[] = []
let tablesSkipped = 0

function answer(url: URL): Answer {
  const query = url.searchParams
  switch (url.pathname) {
    case '/api/v1/datasets': {
      const size = Number(query.get('max_results') ?? 100)
      const start = Number(query.get('page_token') ?? 0)
      const next = start + size < datasets.length ? String(start + size) : null
      return [200, { items: datasets.slice(start, start + size), next_page_token: next }]
    }
    case '/api/v1/datasets/churn':
      return [200, dataset]
    case '/api/v1/datasets/churn/log':
      return [200, query.get('rev') === 'main' ? [second, first] : [first]]
    case '/api/v1/data/resolve':
      return query.get('spec') === 'churn@v1' ? [200, first] : NOT_FOUND("dataset 'churn' has no branch, tag or commit 'v9'")
    case '/api/v1/data/files': {
      // as the server pages: filtered by `match`, `max_results` at a time, the token an offset here
      const match = (query.get('match') ?? '').toLowerCase()
      const found = files.filter((file) => file.path.toLowerCase().includes(match))
      const size = Number(query.get('max_results') ?? 1000)
      const start = Number(query.get('page_token') ?? 0)
      const next = start + size < found.length ? String(start + size) : null
      return [200, { items: found.slice(start, start + size), next_page_token: next }]
    }
    case '/api/v1/data/diff':
      return [200, { ...diff, tables_skipped: tablesSkipped }]
    case '/api/v1/lineage': {
      const root = { ref: first.ref, kind: 'data-version', depth: 0 }
      const used = [
        { ref: `run:${run.run_id}`, kind: 'run', depth: 1 },
        { ref: 'models:/churn-model/1', kind: 'model-version', depth: 2 },
      ]
      const nodes = query.get('direction') === 'downstream' ? [root, ...used] : [root]
      return [200, { root: first.ref, direction: query.get('direction'), depth: 3, nodes, edges: [], truncated: false }]
    }
    case `/api/v1/runs/${run.run_id}`:
      return [200, run]
    default:
      return NOT_FOUND(`no dataset named '${url.pathname.split('/').at(-1) ?? ''}'`)
  }
}

// The API client binds fetch when it is created, so the stub goes in before the pages are imported.
const fetched: URL[] = []
vi.stubGlobal('fetch', (request: Request) => {
  const url = new URL(request.url)
  fetched.push(url)
  const [status, body] = answer(url)
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }))
})
const { DatasetsPage } = await import('./DatasetsPage')
const { DatasetPage } = await import('./DatasetPage')
const { DataVersionPage } = await import('./DataVersionPage')
const { DiffPage } = await import('./DiffPage')

function renderAt(path: string) {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/data" element={<DatasetsPage />} />
          <Route path="/data/:name" element={<DatasetPage />} />
          <Route path="/data/:name/diff" element={<DiffPage />} />
          <Route path="/data/:name/:rev" element={<DataVersionPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  )
}

function rowOf(element: HTMLElement) {
  return within(element.closest('tr') ?? document.body)
}

beforeEach(() => {
  datasets = [dataset]
  files = tree
  tablesSkipped = 0
  fetched.length = 0
})

describe('the datasets list', () => {
  it('shows each dataset with its commits, branches and tags', async () => {
    renderAt('/data')
    const link = await screen.findByRole('link', { name: 'churn' })
    expect(link).toHaveAttribute('href', '/data/churn')
    const row = rowOf(link)
    expect(row.getByText('2')).toBeInTheDocument()
    expect(row.getByText('main')).toBeInTheDocument()
    expect(row.getByText('v1')).toBeInTheDocument()
  })

  it('asks for the next page of datasets on request', async () => {
    datasets = Array.from({ length: 130 }, (_, index) => makeDataset({ name: `set-${String(index).padStart(3, '0')}` }))
    renderAt('/data')
    const table = await screen.findByRole('table', { name: 'Datasets' })
    expect(within(table).getAllByRole('row')).toHaveLength(101)
    await userEvent.click(screen.getByRole('button', { name: 'Show more' }))
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(131))
    expect(screen.getByRole('link', { name: 'set-129' })).toBeInTheDocument()
  })

  it('says how to make the first dataset', async () => {
    datasets = []
    renderAt('/data')
    expect(await screen.findByText('No datasets yet')).toBeInTheDocument()
    expect(screen.getByText('tether data add ./folder --name NAME')).toBeInTheDocument()
  })
})

describe('a dataset', () => {
  it('shows its branches and tags and the history of main, each version linked', async () => {
    renderAt('/data/churn')
    expect(await screen.findByRole('heading', { name: 'churn' })).toBeInTheDocument()
    const refs = within(screen.getByRole('table', { name: 'Branches and tags' }))
    expect(refs.getByRole('link', { name: 'v1' })).toHaveAttribute('href', '/data/churn/v1')
    const history = within(await screen.findByRole('table', { name: 'History' }))
    const newest = history.getByRole('link', { name: 'bbbbbbbbbbbb' })
    expect(newest).toHaveAttribute('href', `/data/churn/${second.commit_id}`)
    expect(rowOf(newest).getByText('November export')).toBeInTheDocument()
    expect(rowOf(newest).getByText('3.0 KB')).toBeInTheDocument()
    expect(history.getAllByRole('row')).toHaveLength(3)
    expect(fetched.find((url) => url.pathname.endsWith('/log'))?.searchParams.get('rev')).toBe('main')
  })

  it('opens the diff of the two versions picked, older first', async () => {
    renderAt('/data/churn')
    const compare = await screen.findByRole('button', { name: 'Compare' })
    expect(compare).toBeDisabled()
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Pick bbbbbbbbbbbb' }))
    await userEvent.click(screen.getByRole('checkbox', { name: 'Pick aaaaaaaaaaaa' }))
    await userEvent.click(compare)
    expect(await screen.findByRole('heading', { name: 'Changes in churn' })).toBeInTheDocument()
    const asked = fetched.find((url) => url.pathname === '/api/v1/data/diff')
    expect(asked?.searchParams.get('old')).toBe(`churn@${first.commit_id}`)
    expect(asked?.searchParams.get('new')).toBe(`churn@${second.commit_id}`)
  })

  it('says when there is no such dataset', async () => {
    renderAt('/data/nope')
    expect(await screen.findByText('No dataset named nope')).toBeInTheDocument()
    expect(screen.getByText('NOT_FOUND')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'All datasets' })).toHaveAttribute('href', '/data')
  })
})

describe('a dataset version', () => {
  it('shows its commit, its files with folders marked, and the run and model that used it', async () => {
    renderAt('/data/churn/v1')
    expect(await screen.findByRole('heading', { name: 'churn@aaaaaaaaaaaa' })).toBeInTheDocument()
    expect(screen.getByText('October export')).toBeInTheDocument()
    expect(screen.getByText(first.ref)).toBeInTheDocument()
    const table = within(await screen.findByRole('table', { name: 'Files' }))
    expect(table.getByText('empty/')).toBeInTheDocument()
    expect(rowOf(table.getByText('empty/')).getByText('folder')).toBeInTheDocument()
    expect(rowOf(table.getByText('train.csv')).getByText('dddddddddddd')).toBeInTheDocument()
    const usedBy = within(await screen.findByRole('group', { name: 'Used by' }))
    expect(await usedBy.findByRole('link', { name: 'train-churn' })).toHaveAttribute('href', `/experiments/3/runs/${run.run_id}`)
    expect(usedBy.getByRole('link', { name: 'models:/churn-model/1' })).toHaveAttribute('href', '/models/churn-model/versions/1')
  })

  it('pages a long file list from the server and filters it there', async () => {
    files = Array.from({ length: 520 }, (_, index) => ({
      path: `part-${String(index).padStart(4, '0')}.bin`,
      kind: 'file' as const,
      digest: 'e'.repeat(64),
      size: 10,
      mode: 0o644,
    }))
    renderAt('/data/churn/v1')
    const table = await screen.findByRole('table', { name: 'Files' })
    expect(within(table).getAllByRole('row')).toHaveLength(501)
    expect(screen.getByText('Showing the first 500.')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Show more' }))
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(521))
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument()
    await userEvent.click(screen.getByRole('searchbox', { name: 'Filter files' }))
    await userEvent.paste('PART-051')
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Files' })).getAllByRole('row')).toHaveLength(11))
    expect(fetched.some((url) => url.pathname === '/api/v1/data/files' && url.searchParams.get('match') === 'PART-051')).toBe(true)
  })

  it('says when the dataset has no such version, with the server’s reason', async () => {
    renderAt('/data/churn/v9')
    expect(await screen.findByText('churn has no version v9')).toBeInTheDocument()
    expect(screen.getByText(/has no branch, tag or commit 'v9'/)).toBeInTheDocument()
  })
})

describe('a diff', () => {
  it('lists added, removed and modified files with their sizes, and counts the unchanged', async () => {
    renderAt(`/data/churn/diff?old=v1&new=main`)
    expect(await screen.findByText('1 added, 0 removed, 1 modified, 4 files unchanged.')).toBeInTheDocument()
    expect(rowOf(within(screen.getByRole('table', { name: 'Added' })).getByText('extra.csv')).getByText('512 B')).toBeInTheDocument()
    expect(screen.getByText('No file was removed.')).toBeInTheDocument()
    const modified = rowOf(within(screen.getByRole('table', { name: 'Modified' })).getByText('train.csv'))
    expect(modified.getByText('1.0 KB')).toBeInTheDocument()
    expect(modified.getByText('+1.0 KB')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'aaaaaaaaaaaa' })).toHaveAttribute('href', `/data/churn/${first.commit_id}`)
  })

  it('says how many table files were left without a summary', async () => {
    tablesSkipped = 3
    renderAt(`/data/churn/diff?old=v1&new=main`)
    expect(await screen.findByText(/3 more table files changed without a summary/)).toBeInTheDocument()
  })

  it('asks for two versions when the link names fewer', async () => {
    renderAt('/data/churn/diff?old=v1')
    expect(await screen.findByText('Pick two versions to compare')).toBeInTheDocument()
    expect(fetched.some((url) => url.pathname === '/api/v1/data/diff')).toBe(false)
  })
})
