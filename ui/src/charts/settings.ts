/**
 * Chart settings kept in the URL (?x=wall&smooth=0.6&log=1), so a shared link shows the same charts.
 * Defaults are left out of the URL to keep links short.
 */
import { useCallback, useMemo } from 'react'
import { useSearchParams } from 'react-router'

import { isXMode, type XMode } from './transforms'

export interface ChartSettings {
  xMode: XMode
  smoothing: number
  logY: boolean
}

export const DEFAULT_SETTINGS: ChartSettings = { xMode: 'step', smoothing: 0, logY: false }

export function parseSettings(params: URLSearchParams): ChartSettings {
  const x = params.get('x')
  const smooth = Number(params.get('smooth') ?? '0')
  return {
    xMode: isXMode(x) ? x : 'step',
    smoothing: Number.isFinite(smooth) ? Math.min(0.99, Math.max(0, smooth)) : 0,
    logY: params.get('log') === '1',
  }
}

/** `params` with `settings` written in (a copy; defaults removed). */
export function writeSettings(params: URLSearchParams, settings: ChartSettings): URLSearchParams {
  const next = new URLSearchParams(params)
  const set = (key: string, value: string | null) => {
    if (value === null) next.delete(key)
    else next.set(key, value)
  }
  set('x', settings.xMode === 'step' ? null : settings.xMode)
  set('smooth', settings.smoothing > 0 ? String(Math.round(settings.smoothing * 100) / 100) : null)
  set('log', settings.logY ? '1' : null)
  return next
}

export function useChartSettings(): [ChartSettings, (change: Partial<ChartSettings>) => void] {
  const [params, setParams] = useSearchParams()
  const settings = useMemo(() => parseSettings(params), [params])
  const update = useCallback(
    (change: Partial<ChartSettings>) => {
      setParams((current) => writeSettings(current, { ...parseSettings(current), ...change }), { replace: true })
    },
    [setParams],
  )
  return [settings, update]
}
