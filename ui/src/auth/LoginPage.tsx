/** Sign in with a username and password; the server sets the session cookie and returns a CSRF token. */
import { useState, type SubmitEvent } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'

import { ApiError } from '../api/errors'
import { useLogin } from '../api/session'
import { Logo } from '../shell/Logo'
import { Button } from '../ui/Button'
import styles from './Login.module.css'

/** Where to go after signing in: only a path on this site, never another origin. */
export function safeNext(next: string | null): string {
  return next !== null && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/'
}

export function LoginPage() {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const login = useLogin()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')

  const submit = (event: SubmitEvent) => {
    event.preventDefault()
    login.mutate({ username, password }, { onSuccess: () => void navigate(safeNext(params.get('next')), { replace: true }) })
  }

  const error = login.error instanceof ApiError ? login.error : null
  return (
    <main className={styles.screen}>
      <form className={styles.card} onSubmit={submit}>
        <div className={styles.brand}>
          <Logo /> tether
        </div>
        <label className={styles.field}>
          Username
          <input type="text" autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className={styles.field}>
          Password
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <div role="alert" className={styles.error}>
            {error.code === 'CONFLICT' ? (
              <>
                This server runs without authentication. <Link to="/">Go to the experiments</Link>.
              </>
            ) : (
              error.summary
            )}
          </div>
        )}
        <Button type="submit" variant="primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
        <div className={styles.hint}>
          No account? An admin creates one with <code>tether users create NAME</code>.
        </div>
      </form>
    </main>
  )
}
