import { describe, expect, it } from 'vitest'

import { safeNext } from './LoginPage'
import { allows, unrestricted } from './useCan'

const user = { user_id: 2, username: 'ann', role: 'user' as const, created_time: 0 }

describe('access', () => {
  it('allows everything without auth and for admins', () => {
    expect(unrestricted({ auth_enabled: false })).toBe(true)
    expect(unrestricted({ auth_enabled: true, user: { ...user, role: 'admin' } })).toBe(true)
    expect(unrestricted({ auth_enabled: true, user })).toBe(false)
    expect(unrestricted(undefined)).toBe(false)
  })

  it('ranks levels', () => {
    expect(allows('READ', 'edit')).toBe(false)
    expect(allows('EDIT', 'edit')).toBe(true)
    expect(allows('EDIT', 'manage')).toBe(false)
    expect(allows('MANAGE', 'edit')).toBe(true)
    expect(allows(null, 'edit')).toBe(false)
  })

  it('returns after login only to a path on this site', () => {
    expect(safeNext('/experiments/3?filter=x')).toBe('/experiments/3?filter=x')
    expect(safeNext('//evil.example')).toBe('/')
    expect(safeNext('https://evil.example')).toBe('/')
    expect(safeNext('/login')).toBe('/')
    expect(safeNext(null)).toBe('/')
  })
})
