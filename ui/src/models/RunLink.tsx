/** A link to a run by id alone: the run's experiment (needed for its URL) is looked up. */
import { Link } from 'react-router'

import { useRun } from '../runs/api'

export function RunLink({ runId }: { runId: string }) {
  const run = useRun(runId)
  const label = run.data?.run_name || runId.slice(0, 12)
  if (!run.data) return <span className="mono" title={run.isError ? 'The run could not be loaded' : undefined}>{label}</span>
  return (
    <Link className="mono" to={`/experiments/${run.data.experiment_id}/runs/${runId}`} title={runId}>
      {label}
    </Link>
  )
}
