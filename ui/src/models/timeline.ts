/** Turns a model's audit trail into timeline entries (alias moves and version status changes), newest
 * first, each a sentence a person reads. */
import type { components } from '../api/schema'

export type RegistryEvent = components['schemas']['RegistryEvent']

export interface TimelineEntry {
  id: number
  at: number
  text: string
}

const ALIAS_KINDS = new Set<RegistryEvent['kind']>(['alias_set', 'alias_deleted', 'alias_protected', 'alias_unprotected'])

function describe(event: RegistryEvent): string {
  // The server may not know who acted (a local store without sign-in); say so rather than leave a gap.
  const who = event.actor ?? 'someone'
  const alias = event.alias ?? ''
  switch (event.kind) {
    case 'version_status_changed':
      return `${who} marked version ${String(event.version)} ${String(event.to_status)}` + (event.from_status == null ? '' : ` (was ${event.from_status})`)
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

function shown(event: RegistryEvent): boolean {
  return (ALIAS_KINDS.has(event.kind) && event.alias != null) || event.kind === 'version_status_changed'
}

/** The alias and status events of `events` (oldest first, as the API sends them), newest first. */
export function modelTimeline(events: readonly RegistryEvent[]): TimelineEntry[] {
  return events
    .filter(shown)
    .map((event) => ({ id: event.event_id, at: event.at, text: describe(event) }))
    .reverse()
}
