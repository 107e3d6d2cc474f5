/** How datasets, commits and file sizes read on the datasets' pages. */
import type { components } from '../api/schema'
import { formatBytes } from '../artifacts/paths'

type Schemas = components['schemas']
export type Dataset = Schemas['Dataset']
export type DataRef = Schemas['DataRef']
export type Commit = Schemas['Commit']
export type DatasetFile = Schemas['DatasetFile']
export type Diff = Schemas['Diff']
export type FileChange = Schemas['FileChange']

/** The branch a spec without a revision means. */
export const DEFAULT_BRANCH = 'main'

/** Commit ids and digests are shown by their first 12 hex digits, as the CLI shows them. */
export function shortId(id: string): string {
  return id.slice(0, 12)
}

export function branchesOf(dataset: Dataset): DataRef[] {
  return dataset.refs.filter((ref) => ref.kind === 'branch')
}

export function tagsOf(dataset: Dataset): DataRef[] {
  return dataset.refs.filter((ref) => ref.kind === 'tag')
}

/** The branch whose history a dataset's page shows first: main, or the first branch when there is none. */
export function defaultBranch(dataset: Dataset): string {
  const branches = branchesOf(dataset).map((ref) => ref.name)
  return branches.includes(DEFAULT_BRANCH) ? DEFAULT_BRANCH : (branches[0] ?? DEFAULT_BRANCH)
}

/** `+1.5 KB`, `−300 B`, `same size`: how much a modified file grew or shrank. */
export function sizeChange(change: FileChange): string {
  const delta = (change.new_size ?? 0) - (change.old_size ?? 0)
  if (delta === 0) return 'same size'
  return `${delta > 0 ? '+' : '−'}${formatBytes(Math.abs(delta))}`
}
