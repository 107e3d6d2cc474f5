/** The runs a comparison shows, from ?runs=a,b,c: distinct, in the given order, at most MAX_RUNS. */
export const MAX_RUNS = 20

export function parseRunIds(raw: string | null): string[] {
  return [...new Set((raw ?? '').split(',').map((id) => id.trim()).filter(Boolean))]
}

/** Toggle `item` in a chosen list, keeping the order things were chosen in. */
export function toggled(list: readonly string[], item: string): string[] {
  return list.includes(item) ? list.filter((other) => other !== item) : [...list, item]
}
