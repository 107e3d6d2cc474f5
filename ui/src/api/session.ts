/** Who is signed in: GET /auth/me, which also hands the page its CSRF token. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'

import { api, unwrap } from './client'
import { setCsrfToken } from './csrf'
import type { Me } from './types'

export const meKey = ['me'] as const

export async function fetchMe(): Promise<Me> {
  const me = await unwrap(api.GET('/api/v1/auth/me'))
  setCsrfToken(me.csrf_token)
  return me
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 5 * 60_000 })
}

export function useLogin() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: { username: string; password: string }) =>
      unwrap(api.POST('/api/v1/auth/login', { body })),
    onSuccess: (result) => {
      setCsrfToken(result.csrf_token)
      client.setQueryData<Me>(meKey, {
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
