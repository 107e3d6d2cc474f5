/** The run's own tags (not the `tether.*` / `mlflow.*` system ones): add, change and remove. */
import { useState, type SubmitEvent, type KeyboardEvent } from 'react'

import { ApiError } from '../api/errors'
import type { Run } from '../api/types'
import { Button } from '../ui/Button'
import { useDeleteTag, useSetTags } from './api'
import { None, Section } from './Section'
import styles from './RunPage.module.css'

const MAX_KEY = 250

export function TagsEditor({ run, tags, canEdit }: { run: Run; tags: [string, string][]; canEdit: boolean }) {
  const setTags = useSetTags(run.run_id)
  const deleteTag = useDeleteTag(run.run_id)
  const [editing, setEditing] = useState<{ key: string; value: string } | null>(null)
  const [adding, setAdding] = useState({ key: '', value: '' })
  const [problem, setProblem] = useState<string | null>(null)
  const failure = setTags.error ?? deleteTag.error
  const message = problem ?? (failure ? (failure instanceof ApiError ? failure.summary : String(failure)) : null)

  const add = (event: SubmitEvent) => {
    event.preventDefault()
    const key = adding.key.trim()
    const invalid = !key ? 'A tag needs a key.' : key.length > MAX_KEY ? `Tag keys are at most ${MAX_KEY} characters.` : null
    setProblem(invalid)
    if (invalid) return
    setTags.mutate({ [key]: adding.value }, { onSuccess: () => setAdding({ key: '', value: '' }) })
  }
  const saveEdit = () => {
    if (!editing) return
    setTags.mutate({ [editing.key]: editing.value }, { onSuccess: () => setEditing(null) })
  }
  const onEditKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault()
      saveEdit()
    } else if (event.key === 'Escape') {
      event.preventDefault()
      setEditing(null)
    }
  }

  return (
    <Section title="Tags" count={tags.length}>
      {tags.length > 0 ? (
        <table className={styles.tags} aria-label="Tags">
          <tbody>
            {tags.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>
                  {editing?.key === key ? (
                    <input
                      type="text"
                      className={styles.tagInput}
                      value={editing.value}
                      aria-label={`Value of ${key}`}
                      onChange={(event) => setEditing({ key, value: event.target.value })}
                      onKeyDown={onEditKey}
                      autoFocus
                    />
                  ) : (
                    value || <span className="faint">(empty)</span>
                  )}
                </td>
                {canEdit && (
                  <td className={styles.tagActions}>
                    {editing?.key === key ? (
                      <>
                        <Button size="small" variant="primary" onClick={saveEdit} disabled={setTags.isPending}>
                          Save
                        </Button>
                        <Button size="small" variant="ghost" onClick={() => setEditing(null)}>
                          Cancel
                        </Button>
                      </>
                    ) : (
                      <>
                        <Button size="small" variant="ghost" aria-label={`Edit tag ${key}`} onClick={() => setEditing({ key, value })}>
                          Edit
                        </Button>
                        <Button
                          size="small"
                          variant="ghost"
                          aria-label={`Remove tag ${key}`}
                          disabled={deleteTag.isPending}
                          onClick={() => deleteTag.mutate(key)}
                        >
                          Remove
                        </Button>
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <None>No tags.</None>
      )}
      {canEdit && (
        <form className={styles.addTag} onSubmit={add}>
          <input
            type="text"
            placeholder="key"
            aria-label="New tag key"
            value={adding.key}
            maxLength={MAX_KEY}
            onChange={(event) => setAdding({ ...adding, key: event.target.value })}
          />
          <input
            type="text"
            placeholder="value"
            aria-label="New tag value"
            value={adding.value}
            onChange={(event) => setAdding({ ...adding, value: event.target.value })}
          />
          <Button type="submit" size="small" disabled={setTags.isPending || !adding.key.trim()}>
            Add tag
          </Button>
        </form>
      )}
      {message && (
        <div role="alert" className={styles.error}>
          {message}
        </div>
      )}
    </Section>
  )
}
