/**
 * The chart colours of the current theme. Canvas needs concrete colours, and the tokens hold both themes
 * through light-dark(); a hidden probe element resolves them. The hook re-reads when the theme changes
 * (the data-theme pin on <html>, or the system preference).
 */
import { useEffect, useState } from 'react'

export interface ChartTheme {
  text: string
  muted: string
  grid: string
  axis: string
  background: string
  accent: string
  /** Changes whenever the colours do; charts rebuild on it. */
  name: string
}

const TOKENS = {
  text: '--text',
  muted: '--text-muted',
  grid: '--border',
  axis: '--border-strong',
  background: '--bg-raised',
  accent: '--accent',
} as const

function resolve(probe: HTMLElement, token: string): string {
  probe.style.color = `var(${token})`
  return getComputedStyle(probe).color
}

export function readChartTheme(): ChartTheme {
  const probe = document.createElement('span')
  probe.style.display = 'none'
  document.body.appendChild(probe)
  try {
    const colours = Object.fromEntries(
      Object.entries(TOKENS).map(([name, token]) => [name, resolve(probe, token) || '#888']),
    ) as Omit<ChartTheme, 'name'>
    return { ...colours, name: `${colours.background}|${colours.text}` }
  } finally {
    probe.remove()
  }
}

export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState(readChartTheme)
  useEffect(() => {
    const update = () => {
      const next = readChartTheme()
      setTheme((current) => (current.name === next.name ? current : next))
    }
    const observer = new MutationObserver(update)
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] })
    const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null
    query?.addEventListener('change', update)
    return () => {
      observer.disconnect()
      query?.removeEventListener('change', update)
    }
  }, [])
  return theme
}
