/** The run's description: Markdown kept in its note tag, rendered safely, edited in place. */
import { lazy, Suspense, useState, type KeyboardEvent } from 'react'

import { ApiError } from '../api/errors'
import type { Run } from '../api/types'
import { Button } from '../ui/Button'
import { useDeleteTag, useSetTags } from './api'
import { None, Section } from './Section'
import styles from './RunPage.module.css'
import { noteTag } from './runTags'

const Markdown = lazy(async () => ({ default: (await import('../markdown/Markdown')).Markdown }))

export function Description({ run, canEdit }: { run: Run; canEdit: boolean }) {
  const tag = noteTag(run.tags ?? {})
  const text = run.tags?.[tag] ?? ''
  const [draft, setDraft] = useState<string | null>(null)
  const setTags = useSetTags(run.run_id)
  const deleteTag = useDeleteTag(run.run_id)
  const busy = setTags.isPending || deleteTag.isPending
  const error = setTags.error ?? deleteTag.error

  const save = () => {
    if (draft === null) return
    const done = { onSuccess: () => setDraft(null) }
    if (draft.trim() === '') {
      if (text === '') setDraft(null)
      else deleteTag.mutate(tag, done)
    } else {
      setTags.mutate({ [tag]: draft }, done)
    }
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      event.preventDefault()
      save()
    } else if (event.key === 'Escape') {
      event.preventDefault()
      setDraft(null)
    }
  }

  const actions =
    canEdit && draft === null ? (
      <Button size="small" variant="ghost" onClick={() => setDraft(text)}>
        {text ? 'Edit' : 'Add'}
      </Button>
    ) : null

  return (
    <Section title="Description" actions={actions}>
      {draft !== null ? (
        <div className={styles.editor}>
          <textarea
            className={styles.textarea}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
            aria-label="Description (Markdown)"
            placeholder="What this run tries, what it found. Markdown works: **bold**, `code`, lists, links."
            rows={Math.min(20, Math.max(5, draft.split('\n').length + 1))}
            autoFocus
          />
          {error && (
            <div role="alert" className={styles.error}>
              {error instanceof ApiError ? error.summary : String(error)}
            </div>
          )}
          <div className={styles.editorActions}>
            <span className="faint">Markdown · Ctrl+Enter saves · Esc cancels</span>
            <Button size="small" onClick={() => setDraft(null)}>
              Cancel
            </Button>
            <Button size="small" variant="primary" onClick={save} disabled={busy}>
              {busy ? 'Saving…' : 'Save'}
            </Button>
          </div>
        </div>
      ) : text ? (
        <Suspense fallback={<div className={styles.plain}>{text}</div>}>
          <Markdown text={text} />
        </Suspense>
      ) : (
        <None>No description.{canEdit ? ' Add one to say what this run tries.' : ''}</None>
      )}
    </Section>
  )
}
