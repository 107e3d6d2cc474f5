/** The URLs of the datasets' pages. A revision in a URL is anything the API resolves: a commit id, a tag,
 * a branch, `main~1`. */
export const DATASETS_PATH = '/data'

export function datasetPath(name: string, branch?: string): string {
  const path = `${DATASETS_PATH}/${encodeURIComponent(name)}`
  return branch === undefined ? path : `${path}?${new URLSearchParams({ branch }).toString()}`
}

export function dataVersionPath(name: string, rev: string): string {
  return `${datasetPath(name)}/${encodeURIComponent(rev)}`
}

export function diffPath(name: string, old: string, next: string): string {
  return `${datasetPath(name)}/diff?${new URLSearchParams({ old, new: next }).toString()}`
}
