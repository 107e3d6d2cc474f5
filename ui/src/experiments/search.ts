import type { Experiment } from '../api/types'

/** Experiments whose name or id contains every word of `query` (case-insensitive), best matches first. */
export function matchExperiments(experiments: readonly Experiment[], query: string): Experiment[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return [...experiments]
  const scored: { experiment: Experiment; score: number }[] = []
  for (const experiment of experiments) {
    const name = experiment.name.toLowerCase()
    if (!words.every((word) => name.includes(word) || experiment.experiment_id === word)) continue
    const first = words[0] ?? ''
    const score = name === first ? 0 : name.startsWith(first) ? 1 : 2
    scored.push({ experiment, score })
  }
  return scored.sort((a, b) => a.score - b.score).map((entry) => entry.experiment)
}
