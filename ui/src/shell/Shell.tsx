/** The frame around every signed-in page: sidebar, header, and the routed page in the middle. */
import { Suspense } from 'react'
import { Outlet } from 'react-router'

import { useMe } from '../api/session'
import { Loading } from '../ui/State'
import { GlobalSearch } from './GlobalSearch'
import styles from './Shell.module.css'
import { Sidebar } from './Sidebar'
import { ThemeToggle } from './ThemeToggle'
import { UserMenu } from './UserMenu'

export function Shell() {
  // Asked first: a 401 here sends the visitor to the login page before any other request fails.
  useMe()
  return (
    <div className={styles.shell}>
      <Sidebar />
      <header className={styles.header}>
        <GlobalSearch />
        <div className={styles.spacer} />
        <ThemeToggle />
        <UserMenu />
      </header>
      <main className={styles.main}>
        <Suspense fallback={<Loading what="the page" />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  )
}
