import { useCallback, useState } from 'react'

import { readStored, writeStored } from './storage'

/** useState whose value survives reloads (in localStorage under `key`). */
export function useStoredState<T>(key: string, initial: T, parse: (raw: unknown) => T | null): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => readStored(key, parse) ?? initial)
  const set = useCallback(
    (next: T) => {
      writeStored(key, next)
      setValue(next)
    },
    [key],
  )
  return [value, set]
}

export function parseBoolean(raw: unknown): boolean | null {
  return typeof raw === 'boolean' ? raw : null
}
