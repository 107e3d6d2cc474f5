/**
 * The one typed HTTP client of the UI: openapi-fetch over the types generated from the server's OpenAPI
 * document, so a renamed field or route breaks the build rather than a page.
 */
import createClient, { type Middleware } from 'openapi-fetch'

import { CSRF_HEADER, csrfToken, needsCsrf } from './csrf'
import { ApiError } from './errors'
import type { paths } from './schema'

const csrf: Middleware = {
  onRequest({ request }) {
    const token = csrfToken()
    if (token !== null && needsCsrf(request.method)) request.headers.set(CSRF_HEADER, token)
    return request
  },
}

export const api = createClient<paths>({
  // Same origin as the page: the server that serves the UI serves the API.
  baseUrl: typeof window === 'undefined' ? '' : window.location.origin,
  credentials: 'same-origin',
})
api.use(csrf)

interface Outcome<T> {
  data?: T
  error?: unknown
  response: Response
}

/** Await an openapi-fetch call and return its data, or throw an ApiError for any failure. */
export async function unwrap<T>(pending: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>
  try {
    outcome = await pending
  } catch (cause) {
    throw ApiError.network(cause)
  }
  if (!outcome.response.ok) throw ApiError.fromBody(outcome.response.status, outcome.error)
  return outcome.data as T
}
