/** Datasets and commits for tests, with only the fields a test cares about spelled out. */
import type { Commit, Dataset } from '../data/format'

/** A 64-digit commit id made of one repeated hex digit, so its short form is easy to read in a test. */
export function commitId(digit: string): string {
  return digit.repeat(64)
}

export function makeCommit(fields: Partial<Commit> & Pick<Commit, 'commit_id'>): Commit {
  const dataset = fields.dataset ?? 'churn'
  return {
    dataset,
    ref: `data:${dataset}@${fields.commit_id}`,
    manifest: 'f'.repeat(64),
    parents: [],
    author: 'ann',
    message: '',
    created_at: 1_700_000_000_000,
    files: 1,
    bytes: 10,
    ...fields,
  }
}

export function makeDataset(fields: Partial<Dataset> = {}): Dataset {
  return { name: 'churn', created_at: 1_700_000_000_000, created_by: 'ann', commits: 1, refs: [], ...fields }
}
