/** Checkbox selection over the table's visible run order, with shift-click ranges. */

/** Toggle `target`; with `range`, set every run between `anchor` and `target` to the target's new state. */
export function toggleSelection(
  selected: ReadonlySet<string>,
  order: readonly string[],
  target: string,
  anchor: string | null,
  range: boolean,
): Set<string> {
  const next = new Set(selected)
  const on = !selected.has(target)
  const from = anchor === null ? -1 : order.indexOf(anchor)
  const to = order.indexOf(target)
  if (range && from >= 0 && to >= 0) {
    const [low, high] = from < to ? [from, to] : [to, from]
    for (const id of order.slice(low, high + 1)) {
      if (on) next.add(id)
      else next.delete(id)
    }
  } else if (on) {
    next.add(target)
  } else {
    next.delete(target)
  }
  return next
}
