/** Keyboard helpers shared by tables and menus. */
import type { KeyboardEvent } from 'react'

/** True when the key press happened in a text field, where letters must type rather than navigate. */
export function isTyping(event: KeyboardEvent | globalThis.KeyboardEvent): boolean {
  const target = event.target
  if (!(target instanceof HTMLElement)) return false
  return (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && target.type !== 'checkbox')
  )
}

export type CursorMove = 'next' | 'previous' | 'first' | 'last' | 'page-down' | 'page-up'

/** The cursor move a key asks for in a list: j/k and arrows, Home/End, PageUp/PageDown. */
export function cursorMove(key: string): CursorMove | null {
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return 'next'
    case 'k':
    case 'ArrowUp':
      return 'previous'
    case 'Home':
      return 'first'
    case 'End':
      return 'last'
    case 'PageDown':
      return 'page-down'
    case 'PageUp':
      return 'page-up'
    default:
      return null
  }
}

export function moveCursor(cursor: number, move: CursorMove, count: number, page = 15): number {
  if (count === 0) return -1
  const next = {
    next: cursor + 1,
    previous: cursor - 1,
    first: 0,
    last: count - 1,
    'page-down': cursor + page,
    'page-up': cursor - page,
  }[move]
  return Math.max(0, Math.min(count - 1, next))
}
