/**
 * What to do when the server answers 401: the router registers a handler that goes to the login page,
 * and the query cache calls it, so no view has to handle signing in itself.
 */
import { ApiError } from './errors'

let handler: (() => void) | null = null

export function onUnauthorized(next: () => void): void {
  handler = next
}

export function reportIfUnauthorized(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) handler?.()
}
