/**
 * One artifact shown in the page: images inline, CSV/TSV/Parquet as a table (the server reads the
 * first rows, within its bounds, and says what it left out), JSON pretty-printed, Markdown rendered,
 * other text as it is. Text is read with one Range request for its first 256 KB, so a multi-gigabyte log
 * never travels whole. An image is shown only when it is at most 20 MB and its header declares at most
 * 50 megapixels, so a small file cannot make the browser allocate gigabytes. Anything else: a download.
 */
import { lazy, Suspense, useState } from 'react'

import type { components } from '../api/schema'
import { Button } from '../ui/Button'
import { formatCount } from '../ui/format'
import { EmptyState, ErrorState, Loading } from '../ui/State'
import {
  IMAGE_PREVIEW_BYTES,
  IMAGE_PREVIEW_PIXELS,
  TEXT_PREVIEW_BYTES,
  useArtifactList,
  useImageSize,
  useTablePreview,
  useTextHead,
} from './api'
import styles from './Artifacts.module.css'
import { ancestorsOf, artifactUrl, extensionOf, formatBytes, looksBinary, nameOf, prettyJson, previewKind, type PreviewKind } from './paths'
import { tableNotes } from './tableNotes'

type ArtifactInfo = components['schemas']['ArtifactInfo']

const Markdown = lazy(async () => ({ default: (await import('../markdown/Markdown')).Markdown }))

function Crumbs({ path, onSelect }: { path: string; onSelect: (path: string) => void }) {
  return (
    <nav className={styles.crumbs} aria-label="Artifact path">
      <button type="button" className={styles.crumb} onClick={() => onSelect('')}>
        artifacts
      </button>
      {ancestorsOf(path).map((folder) => (
        <span key={folder}>
          <span className={styles.slash}>/</span>
          <button type="button" className={styles.crumb} onClick={() => onSelect(folder)}>
            {nameOf(folder)}
          </button>
        </span>
      ))}
      {path && (
        <span>
          <span className={styles.slash}>/</span>
          <span className={styles.current}>{nameOf(path)}</span>
        </span>
      )}
    </nav>
  )
}

export function FolderListing({ runId, path, entries, onSelect }: {
  runId: string
  path: string
  entries: readonly ArtifactInfo[]
  onSelect: (path: string) => void
}) {
  return (
    <div className={styles.preview}>
      <div className={styles.previewHead}>
        <Crumbs path={path} onSelect={onSelect} />
      </div>
      {entries.length === 0 ? (
        <EmptyState title="This folder is empty" />
      ) : (
        <table className={styles.listing} aria-label={`Contents of ${path || 'the artifact root'}`}>
          <thead>
            <tr>
              <th>Name</th>
              <th className={styles.num}>Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.path}>
                <td>
                  <button type="button" className={styles.linkButton} onClick={() => onSelect(entry.path)}>
                    {nameOf(entry.path)}
                    {entry.is_dir ? '/' : ''}
                  </button>
                </td>
                <td className={styles.num}>{entry.is_dir ? '' : formatBytes(entry.size)}</td>
                <td className={styles.num}>
                  {!entry.is_dir && (
                    <a href={artifactUrl(runId, entry.path)} download={nameOf(entry.path)}>
                      Download
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

export function ArtifactPreview({ runId, info, onSelect }: {
  runId: string
  info: ArtifactInfo
  onSelect: (path: string) => void
}) {
  if (info.is_dir) return <DirectoryPreview runId={runId} path={info.path} onSelect={onSelect} />
  const kind = previewKind(info.path)
  return (
    <div className={styles.preview}>
      <div className={styles.previewHead}>
        <Crumbs path={info.path} onSelect={onSelect} />
        <span className={styles.size}>{formatBytes(info.size)}</span>
        <a className={styles.download} href={artifactUrl(runId, info.path)} download={nameOf(info.path)}>
          Download
        </a>
      </div>
      <FileBody runId={runId} info={info} kind={kind} />
    </div>
  )
}

function DirectoryPreview({ runId, path, onSelect }: { runId: string; path: string; onSelect: (path: string) => void }) {
  // The listing comes from the tree's cache when the folder is open there.
  const listing = useArtifactList(runId, path)
  if (listing.isError) return <ErrorState error={listing.error} title={`Could not list ${path}`} />
  if (!listing.data) return <Loading what={nameOf(path)} />
  const entries = [...listing.data].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path))
  return <FolderListing runId={runId} path={path} entries={entries} onSelect={onSelect} />
}

function FileBody({ runId, info, kind }: { runId: string; info: ArtifactInfo; kind: PreviewKind }) {
  if (info.size === 0) return <EmptyState title="This file is empty" />
  switch (kind) {
    case 'image':
      return <ImageBody runId={runId} info={info} />
    case 'table':
      return <TableBody runId={runId} path={info.path} />
    case 'binary':
      return <NoPreview info={info} runId={runId} />
    default:
      return <TextBody runId={runId} info={info} kind={kind} />
  }
}

function ImageBody({ runId, info }: { runId: string; info: ArtifactInfo }) {
  const vector = extensionOf(info.path) === 'svg'
  const small = (info.size ?? Number.POSITIVE_INFINITY) <= IMAGE_PREVIEW_BYTES
  const size = useImageSize(runId, info.path, small && !vector)
  if (!small) {
    return <NoPreview runId={runId} info={info} title={`Images over ${formatBytes(IMAGE_PREVIEW_BYTES)} are not shown here`} />
  }
  if (!vector) {
    if (size.isError) return <ErrorState error={size.error} title="Could not read the image" onRetry={() => void size.refetch()} />
    if (size.data === undefined) return <Loading what={nameOf(info.path)} />
    if (size.data === null) return <NoPreview runId={runId} info={info} title="This image’s size cannot be checked, so it is not shown" />
    if (size.data.width * size.data.height > IMAGE_PREVIEW_PIXELS) {
      const pixels = `${formatCount(size.data.width)} × ${formatCount(size.data.height)} pixels`
      return <NoPreview runId={runId} info={info} title={`This image is ${pixels}, too many to show here`} />
    }
  }
  return (
    <div className={styles.imageBox}>
      <img className={styles.image} src={artifactUrl(runId, info.path)} alt={info.path} />
    </div>
  )
}

function NoPreview({ runId, info, title = 'No preview for this kind of file' }: { runId: string; info: ArtifactInfo; title?: string }) {
  return (
    <EmptyState title={title}>
      <a href={artifactUrl(runId, info.path)} download={nameOf(info.path)}>
        Download {nameOf(info.path)}
      </a>{' '}
      ({formatBytes(info.size)})
    </EmptyState>
  )
}

function TextBody({ runId, info, kind }: { runId: string; info: ArtifactInfo; kind: PreviewKind }) {
  const head = useTextHead(runId, info.path)
  const [source, setSource] = useState(false)
  if (head.isError) return <ErrorState error={head.error} title="Could not read the file" onRetry={() => void head.refetch()} />
  if (!head.data) return <Loading what={nameOf(info.path)} />
  const { text, complete, size } = head.data
  if (looksBinary(text)) return <NoPreview runId={runId} info={info} />
  const shown = kind === 'json' ? prettyJson(text, complete).text : text
  return (
    <>
      {!complete && (
        <div className={styles.notice}>
          Showing the first {formatBytes(TEXT_PREVIEW_BYTES)} of {formatBytes(size)}.{' '}
          <a href={artifactUrl(runId, info.path)} download={nameOf(info.path)}>
            Download the whole file
          </a>
          .
        </div>
      )}
      {kind === 'markdown' && (
        <div className={styles.viewSwitch}>
          <Button size="small" pressed={!source} onClick={() => setSource(false)}>
            Rendered
          </Button>
          <Button size="small" pressed={source} onClick={() => setSource(true)}>
            Source
          </Button>
        </div>
      )}
      {kind === 'markdown' && !source ? (
        <div className={styles.rendered}>
          <Suspense fallback={<Loading what="the document" />}>
            <Markdown text={text} />
          </Suspense>
        </div>
      ) : (
        <pre className={styles.text} tabIndex={0} aria-label={`Contents of ${info.path}`}>
          {shown}
        </pre>
      )}
    </>
  )
}

function TableBody({ runId, path }: { runId: string; path: string }) {
  const preview = useTablePreview(runId, path)
  if (preview.isError) return <ErrorState error={preview.error} title="Could not read the table" onRetry={() => void preview.refetch()} />
  if (!preview.data) return <Loading what="the table" />
  const table = preview.data
  const maxChars = table.max_cell_chars ?? 0
  const isCut = (cell: unknown) => maxChars > 0 && typeof cell === 'string' && Array.from(cell).length > maxChars
  const [summary, ...notes] = tableNotes(table)
  return (
    <>
      <div className={styles.notice}>
        {table.format.toUpperCase()} · {summary}
      </div>
      {notes.length > 0 && (
        <ul className={styles.cuts} aria-label="What the preview leaves out">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <div className={styles.tableScroll} tabIndex={0} role="region" aria-label={`Rows of ${path}`}>
        <table className={styles.dataTable}>
          <thead>
            <tr>
              <th className={styles.rowNumber}>#</th>
              {table.columns.map((column, index) => (
                <th key={`${column}-${index}`} title={table.types[index]}>
                  {column}
                  <span className={styles.type}>{table.types[index]}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                <td className={styles.rowNumber}>{rowIndex + 1}</td>
                {row.map((cell, column) => (
                  <td
                    key={column}
                    className={typeof cell === 'number' ? styles.num : isCut(cell) ? styles.cutCell : undefined}
                    title={isCut(cell) ? `Cut to ${formatCount(maxChars)} characters; download the file for the rest` : undefined}
                  >
                    {cell === null ? <span className="faint">null</span> : String(cell)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}
