/**
 * A modal on the native <dialog>: focus trapping, Escape and the backdrop come from the browser, so
 * there is no focus-management code to get wrong.
 */
import { useEffect, useRef, type SubmitEvent, type ReactNode } from 'react'

import { Button } from './Button'
import styles from './Dialog.module.css'

interface Props {
  open: boolean
  title: string
  children?: ReactNode
  submitLabel: string
  danger?: boolean
  busy?: boolean
  error?: string | null
  onSubmit: () => void
  onClose: () => void
}

export function Dialog({ open, title, children, submitLabel, danger, busy, error, onSubmit, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null)

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal()
      else dialog.setAttribute('open', '')
    } else if (!open && dialog.open) {
      dialog.close()
    }
  }, [open])

  const submit = (event: SubmitEvent) => {
    event.preventDefault()
    if (!busy) onSubmit()
  }

  return (
    <dialog ref={ref} className={styles.dialog} onClose={onClose} aria-label={title}>
      {open && (
        <form className={styles.form} onSubmit={submit}>
          <h2 className={styles.title}>{title}</h2>
          {children && <div className={styles.body}>{children}</div>}
          {error && (
            <div role="alert" className={styles.error}>
              {error}
            </div>
          )}
          <div className={styles.actions}>
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant={danger ? 'danger-solid' : 'primary'} disabled={busy} autoFocus={!children}>
              {busy ? 'Working…' : submitLabel}
            </Button>
          </div>
        </form>
      )}
    </dialog>
  )
}
