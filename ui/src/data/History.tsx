/** A branch's history as a table, newest first, page by page; pick two versions to see what changed. */
import { useInfiniteQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate } from 'react-router'

import { formatBytes } from '../artifacts/paths'
import { None } from '../run/Section'
import { Button } from '../ui/Button'
import { formatCount, formatIso } from '../ui/format'
import { ErrorState, Loading } from '../ui/State'
import { historyPagesQuery } from './api'
import styles from './Data.module.css'
import { shortId, type Commit } from './format'
import { diffPair } from './history'
import { dataVersionPath, diffPath } from './paths'

export function History({ name, rev }: { name: string; rev: string }) {
  const pages = useInfiniteQuery(historyPagesQuery(name, rev))
  const [picked, setPicked] = useState<string[]>([])
  const navigate = useNavigate()
  if (pages.isError) return <ErrorState error={pages.error} title={`Could not load the history of ${rev}`} onRetry={() => void pages.refetch()} />
  if (!pages.data) return <Loading what="the history" />
  const commits = pages.data.pages.flat()
  if (commits.length === 0) return <None>No commit on {rev} yet.</None>
  const pair = diffPair(picked, commits)
  const toggle = (id: string) => setPicked((now) => (now.includes(id) ? now.filter((other) => other !== id) : [...now, id]))
  return (
    <>
      <div className={styles.more}>
        <Button disabled={!pair} onClick={() => pair && void navigate(diffPath(name, pair.old, pair.next))}>
          Compare
        </Button>
        {pair ? 'Show what changed between the two versions picked.' : 'Pick two versions to see what changed between them.'}
      </div>
      <table className={styles.table} aria-label="History">
        <thead>
          <tr>
            <th className={styles.pick}><span className="visually-hidden">Pick</span></th>
            <th>Commit</th><th>Created</th><th>Author</th><th className={styles.number}>Files</th><th className={styles.number}>Size</th><th>Message</th>
          </tr>
        </thead>
        <tbody>
          {commits.map((commit) => (
            <CommitRow
              key={commit.commit_id}
              commit={commit}
              picked={picked.includes(commit.commit_id)}
              full={picked.length >= 2}
              onToggle={() => toggle(commit.commit_id)}
            />
          ))}
        </tbody>
      </table>
      {pages.hasNextPage && (
        <Button disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          Load older commits
        </Button>
      )}
    </>
  )
}

/** One version; its box is locked once two others are picked, so a diff always has exactly two ends. */
function CommitRow({ commit, picked, full, onToggle }: { commit: Commit; picked: boolean; full: boolean; onToggle: () => void }) {
  const short = shortId(commit.commit_id)
  return (
    <tr className={picked ? styles.picked : undefined}>
      <td>
        <input type="checkbox" aria-label={`Pick ${short}`} checked={picked} disabled={full && !picked} onChange={onToggle} />
      </td>
      <td className="mono">
        <Link to={dataVersionPath(commit.dataset, commit.commit_id)} title={commit.commit_id}>{short}</Link>
      </td>
      <td>{formatIso(commit.created_at)}</td>
      <td>{commit.author ?? '—'}</td>
      <td className={styles.number}>{formatCount(commit.files)}</td>
      <td className={styles.number}>{formatBytes(commit.bytes)}</td>
      <td className={styles.message}>{commit.message}</td>
    </tr>
  )
}
