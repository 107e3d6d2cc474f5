import { describe, expect, it } from 'vitest'

import { modelTimeline, type RegistryEvent } from './timeline'

function event(overrides: Partial<RegistryEvent> & Pick<RegistryEvent, 'event_id' | 'kind'>): RegistryEvent {
  return { name: 'churn', at: 1_000 * overrides.event_id, actor: 'alice', ...overrides }
}

describe('modelTimeline', () => {
  it('keeps alias and status events only, newest first, as sentences', () => {
    const entries = modelTimeline([
      event({ event_id: 1, kind: 'model_created' }),
      event({ event_id: 2, kind: 'version_created', version: 1 }),
      event({ event_id: 3, kind: 'alias_set', alias: 'champion', to_version: 1 }),
      event({ event_id: 4, kind: 'alias_set', alias: 'champion', from_version: 1, to_version: 3 }),
      event({ event_id: 5, kind: 'alias_protected', alias: 'champion', actor: null }),
      event({ event_id: 6, kind: 'alias_deleted', alias: 'shadow', from_version: 2 }),
      event({ event_id: 7, kind: 'version_status_changed', version: 1, from_status: 'ready', to_status: 'deprecated' }),
    ])
    expect(entries.map((entry) => entry.text)).toEqual([
      'alice marked version 1 deprecated (was ready)',
      'alice removed shadow (was version 2)',
      'someone protected champion',
      'alice moved champion from version 1 to version 3',
      'alice pointed champion at version 1',
    ])
    expect(entries[3]).toMatchObject({ id: 4, at: 4_000 })
  })

  it('is empty without alias or status events', () => {
    expect(modelTimeline([event({ event_id: 1, kind: 'model_created' })])).toEqual([])
  })
})
