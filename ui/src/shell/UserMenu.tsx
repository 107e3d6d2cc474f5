/** Who is signed in, and the way out; a server without --auth says so instead. */
import { useNavigate } from 'react-router'

import { useLogout, useMe } from '../api/session'
import { Button } from '../ui/Button'
import styles from './Shell.module.css'

export function UserMenu() {
  const me = useMe().data
  const logout = useLogout()
  const navigate = useNavigate()
  if (!me) return null
  if (!me.auth_enabled || !me.user) {
    return (
      <span className={styles.badge} title="This server runs without --auth: everyone who reaches it may do everything.">
        open server
      </span>
    )
  }
  const user = me.user
  return (
    <div className={styles.user}>
      <span className={styles.avatar} aria-hidden="true">
        {user.username.slice(0, 2)}
      </span>
      <span>
        {user.username} <span className={styles.role}>{user.role}</span>
      </span>
      {me.csrf_token && (
        <Button size="small" variant="ghost" disabled={logout.isPending} onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login') })}>
          Sign out
        </Button>
      )}
    </div>
  )
}
