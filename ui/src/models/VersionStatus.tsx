import type { components } from '../api/schema'
import { Badge, type BadgeTone } from '../ui/Badge'

type Status = components['schemas']['ModelVersion']['status']

const TONES: Record<NonNullable<Status>, BadgeTone> = { ready: 'ok', deprecated: 'warn', archived: 'neutral' }

/** A version's lifecycle status as a badge: ready, deprecated (loads with a warning) or archived. */
export function VersionStatus({ status }: { status: Status }) {
  const value = status ?? 'ready'
  return <Badge tone={TONES[value]}>{value}</Badge>
}
