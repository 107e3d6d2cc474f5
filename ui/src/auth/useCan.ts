/**
 * Whether the caller may change an experiment, so views never offer a button the server would refuse.
 * The server says (GET /experiments/{id}/access); without --auth, or for an admin, everything is allowed
 * and nothing needs asking.
 */
import { useQuery } from '@tanstack/react-query'

import { useMe } from '../api/session'
import type { Level, Me } from '../api/types'
import { accessQuery } from './api'

export type Ability = 'edit' | 'manage'

const RANK: Record<Level, number> = { READ: 0, EDIT: 1, MANAGE: 2 }
const NEEDS: Record<Ability, Level> = { edit: 'EDIT', manage: 'MANAGE' }

/** Everything is allowed when the server has no authentication or the caller is an admin. */
export function unrestricted(me: Me | undefined): boolean {
  return me !== undefined && (!me.auth_enabled || me.user?.role === 'admin')
}

export function allows(level: Level | null | undefined, ability: Ability): boolean {
  return level != null && RANK[level] >= RANK[NEEDS[ability]]
}

export function useAccess(experimentId: string | undefined, enabled = true) {
  return useQuery({ ...accessQuery(experimentId ?? ''), enabled: enabled && experimentId !== undefined })
}

/** False until known, so a control never flashes into view and away again. */
export function useCan(experimentId: string | undefined, ability: Ability): boolean {
  const me = useMe().data
  const open = unrestricted(me)
  const access = useAccess(experimentId, me !== undefined && !open)
  return open || allows(access.data?.level, ability)
}

/** Any signed-in user may create an experiment (and then manages it). */
export function useCanCreateExperiment(): boolean {
  const me = useMe().data
  return me !== undefined && (!me.auth_enabled || me.user != null)
}
