/**
 * Light or dark. With nothing chosen the page follows the system (prefers-color-scheme, through CSS
 * color-scheme); a choice is stored and pinned with data-theme on <html>, which index.html also applies
 * before the first paint.
 */
import { useCallback, useEffect, useState } from 'react'

import { readStored, writeStored } from '../ui/storage'

export type Theme = 'light' | 'dark'
const KEY = 'theme'

function isTheme(raw: unknown): Theme | null {
  return raw === 'light' || raw === 'dark' ? raw : null
}

const DARK = '(prefers-color-scheme: dark)'

/** The system's preference; environments without matchMedia (tests, old embeds) read as light. */
function darkQuery(): MediaQueryList | null {
  return typeof window.matchMedia === 'function' ? window.matchMedia(DARK) : null
}

function systemTheme(): Theme {
  return darkQuery()?.matches ? 'dark' : 'light'
}

export function useTheme(): [Theme, (theme: Theme) => void] {
  const [chosen, setChosen] = useState<Theme | null>(() => readStored(KEY, isTheme))
  const [system, setSystem] = useState<Theme>(systemTheme)

  useEffect(() => {
    const query = darkQuery()
    if (!query) return
    const onChange = () => setSystem(query.matches ? 'dark' : 'light')
    query.addEventListener('change', onChange)
    return () => query.removeEventListener('change', onChange)
  }, [])

  useEffect(() => {
    if (chosen) document.documentElement.dataset.theme = chosen
    else delete document.documentElement.dataset.theme
  }, [chosen])

  const choose = useCallback((theme: Theme) => {
    // Choosing what the system already shows drops the pin, so later system changes apply again.
    const next = theme === systemTheme() ? null : theme
    writeStored(KEY, next)
    setChosen(next)
  }, [])

  return [chosen ?? system, choose]
}
