/** Who is signed in: GET /auth/me, which also hands the page its CSRF token. */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'

import { api, unwrap } from './client'
import { setCsrfToken } from './csrf'
import type { Me } from './types'

export const sessionKeys = {
  all: ['session'] as const,
  me: () => [...sessionKeys.all, 'me'] as const,
}

async function fetchMe(): Promise<Me> {
  const me = await unwrap(api.GET('/api/v1/auth/me'))
  setCsrfToken(me.csrf_token)
  return me
}

/** The session changes only by signing in or out, which update or clear this entry themselves. */
function meQuery() {
  return queryOptions({ queryKey: sessionKeys.me(), queryFn: fetchMe, staleTime: 5 * 60_000 })
}

export function useMe() {
  return useQuery(meQuery())
}

export function useLogin() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: { username: string; password: string }) =>
      unwrap(api.POST('/api/v1/auth/login', { body })),
    onSuccess: (result) => {
      setCsrfToken(result.csrf_token)
      client.setQueryData(meQuery().queryKey, {
        auth_enabled: true,
        user: result.user,
        csrf_token: result.csrf_token,
      })
    },
  })
}

export function useLogout() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout')),
    onSettled: () => {
      setCsrfToken(null)
      client.clear()
    },
  })
}
