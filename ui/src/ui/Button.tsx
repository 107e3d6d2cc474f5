import type { ButtonHTMLAttributes } from 'react'

import styles from './Button.module.css'
import { cx } from './cx'

type Variant = 'default' | 'primary' | 'danger' | 'danger-solid' | 'ghost'

interface Props extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant
  size?: 'normal' | 'small'
  /** For toggle buttons: drawn as pressed and announced with aria-pressed. */
  pressed?: boolean
}

export function Button({ variant = 'default', size = 'normal', pressed, className, ...rest }: Props) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      className={cx(
        styles.button,
        variant === 'primary' && styles.primary,
        (variant === 'danger' || variant === 'danger-solid') && styles.danger,
        variant === 'danger-solid' && styles.solid,
        variant === 'ghost' && styles.ghost,
        size === 'small' && styles.small,
        pressed && styles.pressed,
        className,
      )}
      {...rest}
    />
  )
}
