/** Create, rename and delete an experiment: each a small dialog over the experiments page. */
import { useState } from 'react'
import { useNavigate } from 'react-router'

import { ApiError } from '../api/errors'
import type { Experiment } from '../api/types'
import { Dialog } from '../ui/Dialog'
import { plural } from '../ui/format'
import { useCreateExperiment, useDeleteExperiment, useRenameExperiment } from './api'
import styles from './Experiments.module.css'

export type DialogState =
  | { kind: 'create' }
  | { kind: 'rename'; experiment: Experiment }
  | { kind: 'delete'; experiment: Experiment; runs: number | undefined }
  | null

function messageOf(error: unknown): string | null {
  return error instanceof ApiError ? error.summary : error instanceof Error ? error.message : null
}

export function ExperimentDialogs({ state, onClose }: { state: DialogState; onClose: () => void }) {
  if (state?.kind === 'create') return <NameDialog key="create" onClose={onClose} />
  if (state?.kind === 'rename') return <NameDialog key={state.experiment.experiment_id} experiment={state.experiment} onClose={onClose} />
  if (state?.kind === 'delete') return <DeleteDialog experiment={state.experiment} runs={state.runs} onClose={onClose} />
  return null
}

function NameDialog({ experiment, onClose }: { experiment?: Experiment; onClose: () => void }) {
  const [name, setName] = useState(experiment?.name ?? '')
  const create = useCreateExperiment()
  const rename = useRenameExperiment()
  const navigate = useNavigate()
  const pending = create.isPending || rename.isPending
  const submit = () => {
    const trimmed = name.trim()
    if (!trimmed) return
    if (experiment) {
      rename.mutate({ id: experiment.experiment_id, name: trimmed }, { onSuccess: onClose })
    } else {
      create.mutate(trimmed, {
        onSuccess: (created) => {
          onClose()
          void navigate(`/experiments/${created.experiment_id}`)
        },
      })
    }
  }
  return (
    <Dialog
      open
      title={experiment ? 'Rename experiment' : 'New experiment'}
      submitLabel={experiment ? 'Rename' : 'Create'}
      busy={pending}
      error={messageOf(create.error ?? rename.error)}
      onSubmit={submit}
      onClose={onClose}
    >
      <label className={styles.field}>
        Name
        <input type="text" autoFocus required value={name} onChange={(event) => setName(event.target.value)} />
      </label>
    </Dialog>
  )
}

function DeleteDialog({ experiment, runs, onClose }: { experiment: Experiment; runs: number | undefined; onClose: () => void }) {
  const remove = useDeleteExperiment()
  return (
    <Dialog
      open
      danger
      title={`Delete “${experiment.name}”?`}
      submitLabel="Delete"
      busy={remove.isPending}
      error={messageOf(remove.error)}
      onSubmit={() => remove.mutate(experiment.experiment_id, { onSuccess: onClose })}
      onClose={onClose}
    >
      {runs !== undefined && runs > 0 ? `Its ${plural(runs, 'run')} go with it. ` : ''}
      Nothing is erased: turn on “Deleted” to find it and restore it.
    </Dialog>
  )
}
