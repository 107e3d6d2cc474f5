/**
 * A run's artifacts: a folder tree on the left, the chosen file's preview (or folder's listing) on the
 * right. The chosen path is in the URL (?path=…), so a link opens the same file. The tree is a WAI-ARIA
 * tree: arrows move, Right opens a folder, Left closes it or goes to its parent, Enter chooses.
 */
import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { useSearchParams } from 'react-router'

import type { components } from '../api/schema'
import { cx } from '../ui/cx'
import { isTyping } from '../ui/keys'
import { EmptyState, ErrorState, Loading, Spinner } from '../ui/State'
import { useArtifactInfo, useArtifactList } from './api'
import styles from './Artifacts.module.css'
import { ArtifactPreview, FolderListing } from './ArtifactPreview'
import { ancestorsOf, formatBytes, nameOf } from './paths'

type ArtifactInfo = components['schemas']['ArtifactInfo']

function useSelectedPath(): [string, (path: string) => void] {
  const [params, setParams] = useSearchParams()
  const path = params.get('path') ?? ''
  const select = useCallback(
    (next: string) => {
      setParams((previous) => {
        const updated = new URLSearchParams(previous)
        if (next) updated.set('path', next)
        else updated.delete('path')
        return updated
      })
    },
    [setParams],
  )
  return [path, select]
}

export function ArtifactsBrowser({ runId }: { runId: string }) {
  const [selected, select] = useSelectedPath()
  const root = useArtifactList(runId, '')
  const [opened, setOpened] = useState<ReadonlySet<string>>(() => new Set(ancestorsOf(selected)))
  // Folders above the chosen path are always open, so a shared link shows where the file is.
  const open = useMemo(() => new Set([...opened, ...ancestorsOf(selected)]), [opened, selected])
  const toggle = useCallback((path: string, value?: boolean) => {
    setOpened((current) => {
      const next = new Set(current)
      if (value ?? !next.has(path)) next.add(path)
      else next.delete(path)
      return next
    })
  }, [])
  const tree = useRef<HTMLUListElement>(null)

  if (root.isError) return <ErrorState error={root.error} title="Could not list the artifacts" onRetry={() => void root.refetch()} />
  if (!root.data) return <Loading what="artifacts" />
  if (root.data.length === 0) {
    return (
      <EmptyState title="No artifacts">
        Log files with <code>tt.log_artifact(&quot;model.pkl&quot;)</code>, <code>tt.log_dict(…)</code> or{' '}
        <code>tt.log_text(…)</code>.
      </EmptyState>
    )
  }

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (isTyping(event)) return
    const items = Array.from(tree.current?.querySelectorAll<HTMLElement>('[role="treeitem"] > [data-path]') ?? [])
    const index = items.findIndex((item) => item === document.activeElement)
    const current = items[index]
    if (!current) return
    const path = current.dataset.path ?? ''
    const isDir = current.dataset.dir === 'true'
    let target: HTMLElement | undefined
    if (event.key === 'ArrowDown') target = items[index + 1]
    else if (event.key === 'ArrowUp') target = items[index - 1]
    else if (event.key === 'Home') target = items[0]
    else if (event.key === 'End') target = items[items.length - 1]
    else if (event.key === 'ArrowRight' && isDir) {
      if (open.has(path)) target = items[index + 1]
      else toggle(path, true)
    } else if (event.key === 'ArrowLeft') {
      if (isDir && open.has(path)) toggle(path, false)
      else target = items.find((item) => item.dataset.path === ancestorsOf(path).at(-1))
    } else return
    event.preventDefault()
    target?.focus()
  }

  return (
    <div className={styles.browser}>
      <nav className={styles.treePane} aria-label="Artifact files">
        <ul className={styles.tree} role="tree" aria-label="Artifacts" ref={tree} onKeyDown={onKeyDown}>
          <TreeLevel
            runId={runId}
            entries={root.data}
            depth={0}
            open={open}
            selected={selected}
            onToggle={toggle}
            onSelect={select}
          />
        </ul>
      </nav>
      <div className={styles.previewPane}>
        <Selection runId={runId} path={selected} onSelect={select} rootEntries={root.data} />
      </div>
    </div>
  )
}

function sortEntries(entries: readonly ArtifactInfo[]): ArtifactInfo[] {
  return [...entries].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path))
}

interface LevelProps {
  runId: string
  entries: readonly ArtifactInfo[]
  depth: number
  open: ReadonlySet<string>
  selected: string
  onToggle: (path: string, value?: boolean) => void
  onSelect: (path: string) => void
}

function TreeLevel({ entries, ...rest }: LevelProps) {
  return (
    <>
      {sortEntries(entries).map((entry) => (
        <TreeNode key={entry.path} entry={entry} {...rest} />
      ))}
    </>
  )
}

function TreeNode({ runId, entry, depth, open, selected, onToggle, onSelect }: Omit<LevelProps, 'entries'> & { entry: ArtifactInfo }) {
  const isOpen = entry.is_dir && open.has(entry.path)
  const children = useArtifactList(runId, entry.path, isOpen)
  const isSelected = selected === entry.path
  // The chosen item, else the first one, is the tree's single tab stop.
  const tabStop = isSelected || (selected === '' && depth === 0)
  return (
    <li role="treeitem" aria-expanded={entry.is_dir ? isOpen : undefined} aria-selected={isSelected}>
      <button
        type="button"
        data-path={entry.path}
        data-dir={entry.is_dir}
        tabIndex={tabStop ? 0 : -1}
        className={cx(styles.node, isSelected && styles.selected)}
        style={{ paddingLeft: 8 + depth * 14 }}
        onClick={() => {
          if (entry.is_dir) onToggle(entry.path)
          onSelect(entry.path)
        }}
      >
        <span className={styles.icon} aria-hidden>
          {entry.is_dir ? (isOpen ? '▾' : '▸') : ''}
        </span>
        <span className={cx(styles.nodeName, entry.is_dir && styles.dirName)}>{nameOf(entry.path)}</span>
        {!entry.is_dir && <span className={styles.nodeSize}>{formatBytes(entry.size)}</span>}
        {isOpen && children.isFetching && !children.data && <Spinner label={`Loading ${entry.path}`} />}
      </button>
      {isOpen && children.data && (
        <ul role="group" className={styles.tree}>
          {children.data.length === 0 ? (
            <li className={styles.emptyDir} style={{ paddingLeft: 22 + (depth + 1) * 14 }}>
              empty
            </li>
          ) : (
            <TreeLevel
              runId={runId}
              entries={children.data}
              depth={depth + 1}
              open={open}
              selected={selected}
              onToggle={onToggle}
              onSelect={onSelect}
            />
          )}
        </ul>
      )}
      {isOpen && children.isError && <div className={styles.treeError}>Could not list this folder.</div>}
    </li>
  )
}

function Selection({ runId, path, onSelect, rootEntries }: {
  runId: string
  path: string
  onSelect: (path: string) => void
  rootEntries: readonly ArtifactInfo[]
}) {
  const info = useArtifactInfo(runId, path)
  if (path === '') return <FolderListing runId={runId} path="" entries={sortEntries(rootEntries)} onSelect={onSelect} />
  if (info.isError) return <ErrorState error={info.error} title={`Could not open ${path}`} />
  if (!info.data) return <Loading what={nameOf(path)} />
  return <ArtifactPreview runId={runId} info={info.data} onSelect={onSelect} />
}
