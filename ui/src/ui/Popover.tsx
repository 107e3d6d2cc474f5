/** A button that opens a panel below it; a click outside or Escape closes it. */
import { useEffect, useRef, useState, type ReactNode } from 'react'

import { Button } from './Button'
import { cx } from './cx'
import styles from './Popover.module.css'

interface Props {
  label: ReactNode
  title?: string
  align?: 'left' | 'right'
  variant?: 'default' | 'ghost'
  size?: 'normal' | 'small'
  /** The panel, given a function that closes it. */
  children: (close: () => void) => ReactNode
}

export function Popover({ label, title, align = 'left', variant = 'default', size, children }: Props) {
  const [open, setOpen] = useState(false)
  const anchor = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (anchor.current && !anchor.current.contains(event.target as Node)) setOpen(false)
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false)
    }
    document.addEventListener('pointerdown', onPointer)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('pointerdown', onPointer)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])

  return (
    <div className={styles.anchor} ref={anchor}>
      <Button
        variant={variant}
        size={size}
        title={title}
        // A symbol such as "⋯" says nothing to a screen reader; the title does.
        aria-label={typeof label === 'string' && /\p{L}/u.test(label) ? undefined : title}
        aria-expanded={open}
        aria-haspopup="dialog"
        pressed={open ? true : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        {label}
      </Button>
      {open && (
        <div className={cx(styles.panel, align === 'right' ? styles.right : styles.left)} role="dialog">
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  )
}
