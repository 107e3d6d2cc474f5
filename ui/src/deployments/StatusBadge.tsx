import { Badge } from '../ui/Badge'
import { STATUS, type DeploymentStatus } from './format'

export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  const { label, tone, hint } = STATUS[status]
  return (
    <span title={hint}>
      <Badge tone={tone}>{label}</Badge>
    </span>
  )
}
