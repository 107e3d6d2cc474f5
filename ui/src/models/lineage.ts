/** Lineage nodes as the version page shows them: a label and, for kinds the UI has a page for, a link. */
import type { components } from '../api/schema'
import { dataVersionPath } from '../data/paths'
import { versionPath } from './paths'

export type LineageNode = components['schemas']['LineageNode']

export interface NodeView {
  ref: string
  kind: LineageNode['kind']
  depth: number
  /** Set for runs: their page URL needs the experiment, which the link looks up. */
  runId?: string
  /** The page of the node, for every other kind the UI shows. */
  path?: string
}

/** The model version page of `models:/<name>/<version>`, or null for any other reference. */
export function versionOfRef(ref: string): { name: string; version: number } | null {
  const match = /^models:\/(.+)\/(\d+)$/.exec(ref)
  if (!match) return null
  return { name: match[1] ?? '', version: Number(match[2]) }
}

/** The nodes other than the root, nearest first, each with where it can be opened. */
export function lineageViews(nodes: readonly LineageNode[], root: string): NodeView[] {
  return nodes
    .filter((node) => node.ref !== root)
    .sort((a, b) => a.depth - b.depth || a.ref.localeCompare(b.ref))
    .map((node) => {
      const view: NodeView = { ref: node.ref, kind: node.kind, depth: node.depth }
      const id = node.ref.slice(node.ref.indexOf(':') + 1)
      if (node.kind === 'run') view.runId = id
      else if (node.kind === 'experiment') view.path = `/experiments/${id}`
      else if (node.kind === 'report') view.path = `/reports/${id}`
      else if (node.kind === 'model-version') {
        const version = versionOfRef(node.ref)
        if (version) view.path = versionPath(version.name, version.version)
      } else if (node.kind === 'data-version') {
        const at = id.lastIndexOf('@')
        if (at > 0) view.path = dataVersionPath(id.slice(0, at), id.slice(at + 1))
      }
      return view
    })
}
