import { describe, expect, it } from 'vitest'

import { noteTag, sourceInfo, splitMetricKeys, splitTags } from './runTags'

describe('run tags', () => {
  it('reads tether source tags, with MLflow ones as fallbacks', () => {
    expect(
      sourceInfo({
        'tether.git.commit': 'abc',
        'tether.git.dirty': 'true',
        'mlflow.source.name': 'train.py',
        'mlflow.user': 'ann',
      }),
    ).toMatchObject({ commit: 'abc', dirty: true, source: 'train.py', user: 'ann' })
    expect(sourceInfo({})).toMatchObject({ commit: undefined, dirty: undefined })
  })

  it('keeps the description in tether.note unless only MLflow has one', () => {
    expect(noteTag({})).toBe('tether.note')
    expect(noteTag({ 'mlflow.note.content': 'x' })).toBe('mlflow.note.content')
    expect(noteTag({ 'mlflow.note.content': 'x', 'tether.note': 'y' })).toBe('tether.note')
  })

  it('splits user tags from system tags', () => {
    expect(splitTags({ team: 'a', 'tether.user': 'ann', 'mlflow.runName': 'r', alpha: '' })).toEqual({
      user: [['alpha', ''], ['team', 'a']],
      system: [['mlflow.runName', 'r'], ['tether.user', 'ann']],
    })
  })

  it('splits system metrics from the model metrics', () => {
    expect(splitMetricKeys(['val/loss', 'system/cpu_utilization_percentage', 'acc'])).toEqual({
      model: ['acc', 'val/loss'],
      system: ['system/cpu_utilization_percentage'],
    })
  })
})
