import { Section } from '../run/Section'
import { KeyValueTable } from '../ui/KeyValueTable'

/** A model's or a version's tags, sorted by key; nothing at all when there are none. */
export function TagsSection({ tags, label }: { tags: Record<string, string>; label: string }) {
  const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b))
  if (entries.length === 0) return null
  return (
    <Section title="Tags" count={entries.length}>
      <KeyValueTable entries={entries} label={label} />
    </Section>
  )
}
