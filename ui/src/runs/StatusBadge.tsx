import type { RunStatus } from '../api/types'
import { Badge, type BadgeTone } from '../ui/Badge'

const LABEL: Record<RunStatus, string> = { RUNNING: 'Running', FINISHED: 'Finished', FAILED: 'Failed', KILLED: 'Killed' }
const TONE: Record<RunStatus, BadgeTone> = { RUNNING: 'running', FINISHED: 'ok', FAILED: 'danger', KILLED: 'warn' }

export function StatusBadge({ status }: { status: RunStatus }) {
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>
}

export function DeletedBadge() {
  return <Badge tone="neutral">Deleted</Badge>
}
