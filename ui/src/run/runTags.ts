/**
 * What a run's system tags say: where it came from (git, entry point, host) and its description.
 * tether's SDK writes `tether.*` tags; runs logged by the MLflow client carry `mlflow.*` ones, read as
 * fallbacks. Everything else is a user tag, shown and edited in the tags table.
 */

export const NOTE_TAG = 'tether.note'
const MLFLOW_NOTE_TAG = 'mlflow.note.content'

const SYSTEM_PREFIXES = ['tether.', 'mlflow.'] as const

export function isSystemTag(key: string): boolean {
  return SYSTEM_PREFIXES.some((prefix) => key.startsWith(prefix))
}

export interface SourceInfo {
  commit?: string
  branch?: string
  dirty?: boolean
  source?: string
  user?: string
  host?: string
  python?: string
  repo?: string
}

function first(tags: Readonly<Record<string, string>>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = tags[key]
    if (value !== undefined && value !== '') return value
  }
  return undefined
}

export function sourceInfo(tags: Readonly<Record<string, string>>): SourceInfo {
  const dirty = first(tags, 'tether.git.dirty')
  return {
    commit: first(tags, 'tether.git.commit', 'mlflow.source.git.commit'),
    branch: first(tags, 'tether.git.branch', 'mlflow.source.git.branch'),
    dirty: dirty === undefined ? undefined : dirty === 'true',
    source: first(tags, 'tether.source.name', 'mlflow.source.name'),
    user: first(tags, 'tether.user', 'mlflow.user'),
    host: first(tags, 'tether.host'),
    python: first(tags, 'tether.python'),
    repo: first(tags, 'mlflow.source.git.repoURL'),
  }
}

/** The tag holding the description: tether's, else MLflow's when only that one is set. */
export function noteTag(tags: Readonly<Record<string, string>>): string {
  return tags[NOTE_TAG] === undefined && tags[MLFLOW_NOTE_TAG] !== undefined ? MLFLOW_NOTE_TAG : NOTE_TAG
}

export function splitTags(tags: Readonly<Record<string, string>>): {
  user: [string, string][]
  system: [string, string][]
} {
  const user: [string, string][] = []
  const system: [string, string][] = []
  for (const [key, value] of Object.entries(tags).sort(([a], [b]) => a.localeCompare(b))) {
    ;(isSystemTag(key) ? system : user).push([key, value])
  }
  return { user, system }
}

/** Metric keys split into the model's own and the machine's (`system/…`), each sorted. */
export function splitMetricKeys(keys: Iterable<string>): { model: string[]; system: string[] } {
  const model: string[] = []
  const system: string[] = []
  for (const key of keys) (key.startsWith('system/') ? system : model).push(key)
  return { model: model.sort(), system: system.sort() }
}
