/** Turns a model's audit trail into alias timeline entries, newest first, each a sentence a person reads. */
import type { components } from '../api/schema'

export type RegistryEvent = components['schemas']['RegistryEvent']

export interface TimelineEntry {
  id: number
  alias: string
  at: number
  text: string
}

const ALIAS_KINDS = new Set<RegistryEvent['kind']>(['alias_set', 'alias_deleted', 'alias_protected', 'alias_unprotected'])

function describe(event: RegistryEvent, alias: string): string {
  // The server may not know who acted (a local store without sign-in); say so rather than leave a gap.
  const who = event.actor ?? 'someone'
  switch (event.kind) {
    case 'alias_set':
      return event.from_version == null
        ? `${who} pointed ${alias} at version ${String(event.to_version)}`
        : `${who} moved ${alias} from version ${String(event.from_version)} to version ${String(event.to_version)}`
    case 'alias_deleted':
      return `${who} removed ${alias}` + (event.from_version == null ? '' : ` (was version ${String(event.from_version)})`)
    case 'alias_protected':
      return `${who} protected ${alias}`
    default:
      return `${who} unprotected ${alias}`
  }
}

/** The alias events of `events` (oldest first, as the API sends them), newest first. */
export function aliasTimeline(events: readonly RegistryEvent[]): TimelineEntry[] {
  return events
    .filter((event) => ALIAS_KINDS.has(event.kind) && event.alias != null)
    .map((event) => {
      const alias = event.alias ?? ''
      return { id: event.event_id, alias, at: event.at, text: describe(event, alias) }
    })
    .reverse()
}
