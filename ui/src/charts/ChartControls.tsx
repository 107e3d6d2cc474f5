/** The x axis, smoothing and log-scale controls shared by every page of charts. */
import { Switch } from '../ui/Switch'
import styles from './Chart.module.css'
import type { ChartSettings } from './settings'
import { X_MODES } from './transforms'

export function ChartControls({ settings, onChange }: {
  settings: ChartSettings
  onChange: (change: Partial<ChartSettings>) => void
}) {
  return (
    <div className={styles.controls}>
      <div className={styles.control}>
        <span>X axis</span>
        <div className={styles.segmented} role="group" aria-label="X axis">
          {X_MODES.map((mode) => (
            <button
              key={mode.value}
              type="button"
              aria-pressed={settings.xMode === mode.value}
              onClick={() => onChange({ xMode: mode.value })}
            >
              {mode.label}
            </button>
          ))}
        </div>
      </div>
      <label className={styles.control}>
        <span>Smoothing</span>
        <input
          className={styles.slider}
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={settings.smoothing}
          onChange={(event) => onChange({ smoothing: Number(event.target.value) })}
        />
        <span className={styles.sliderValue}>{settings.smoothing.toFixed(2)}</span>
      </label>
      <Switch label="Log scale" checked={settings.logY} onChange={(logY) => onChange({ logY })} />
      <span className={styles.hint}>Drag to zoom · double-click to reset</span>
    </div>
  )
}
