/**
 * The CSRF token of the browser session. The session cookie is HttpOnly, so the page learns the token
 * from login or GET /auth/me and must echo it in X-CSRF-Token on every unsafe request.
 */

let token: string | null = null

export function setCsrfToken(value: string | null | undefined): void {
  token = value ?? null
}

export function csrfToken(): string | null {
  return token
}

export const CSRF_HEADER = 'X-CSRF-Token'
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

export function needsCsrf(method: string): boolean {
  return !SAFE.has(method.toUpperCase())
}
