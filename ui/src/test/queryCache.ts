/**
 * Helpers to test what a mutation invalidates: a real query client with one entry per key, a fetch stub
 * that answers every request, and the list of entries an action left invalidated.
 */
import { QueryClientProvider, type QueryClient, type QueryKey } from '@tanstack/react-query'
import { createElement, type ReactNode } from 'react'
import { vi } from 'vitest'

import { createQueryClient } from '../api/queryClient'

/** Answer every request with `{}` (200) and record it. Stub before importing the api module under test. */
export function stubFetch(): Request[] {
  const requests: Request[] = []
  vi.stubGlobal('fetch', (request: Request) => {
    requests.push(request)
    return Promise.resolve(new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } }))
  })
  return requests
}

/** Put one entry in the cache under each key. */
export function seed(client: QueryClient, keys: Record<string, QueryKey>): void {
  for (const key of Object.values(keys)) client.setQueryData(key, { seeded: true })
}

/** The names of the seeded entries that are now invalidated. */
export function invalidated(client: QueryClient, keys: Record<string, QueryKey>): string[] {
  return Object.entries(keys)
    .filter(([, key]) => client.getQueryState(key)?.isInvalidated === true)
    .map(([name]) => name)
}

/** Invalidate `key` in a fresh copy of the seeded cache and return the names of the entries it reached. */
export async function reachedBy(keys: Record<string, QueryKey>, key: QueryKey): Promise<string[]> {
  const client = createQueryClient()
  seed(client, keys)
  await client.invalidateQueries({ queryKey: key })
  return invalidated(client, keys)
}

export function wrapper(client: QueryClient) {
  return ({ children }: { children: ReactNode }) => createElement(QueryClientProvider, { client }, children)
}
