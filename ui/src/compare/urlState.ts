/** Lists and single choices of the compare page kept in the URL, so a comparison is a link. */
import { useCallback } from 'react'
import { useSearchParams } from 'react-router'

/**
 * A repeated URL parameter (`?key=a&key=b`) as a list: null when absent (use the defaults), [] when
 * explicitly emptied (`?key=`).
 */
export function useUrlList(name: string): [string[] | null, (list: string[]) => void] {
  const [params, setParams] = useSearchParams()
  const list = params.has(name) ? params.getAll(name).filter(Boolean) : null
  const set = useCallback(
    (next: string[]) => {
      setParams(
        (previous) => {
          const updated = new URLSearchParams(previous)
          updated.delete(name)
          if (next.length === 0) updated.set(name, '')
          for (const item of next) updated.append(name, item)
          return updated
        },
        { replace: true },
      )
    },
    [setParams, name],
  )
  return [list, set]
}

export function useUrlValue(name: string): [string | null, (value: string) => void] {
  const [params, setParams] = useSearchParams()
  const set = useCallback(
    (value: string) => {
      setParams(
        (previous) => {
          const updated = new URLSearchParams(previous)
          updated.set(name, value)
          return updated
        },
        { replace: true },
      )
    },
    [setParams, name],
  )
  return [params.get(name), set]
}
