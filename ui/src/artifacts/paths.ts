/** Artifact paths (relative to the run's artifact root, `/`-separated) and how each kind of file previews. */

export type PreviewKind = 'image' | 'table' | 'json' | 'yaml' | 'markdown' | 'text' | 'binary'

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'avif', 'ico'])
const TABLE = new Set(['csv', 'tsv', 'parquet', 'pq'])
const YAML = new Set(['yaml', 'yml'])
const JSON_EXT = new Set(['json', 'geojson', 'ipynb'])
const MARKDOWN = new Set(['md', 'markdown'])
const BINARY = new Set([
  'pkl', 'pickle', 'joblib', 'pt', 'pth', 'ckpt', 'bin', 'onnx', 'h5', 'hdf5', 'npy', 'npz', 'zip', 'gz', 'tgz',
  'tar', 'bz2', 'xz', 'zst', '7z', 'whl', 'so', 'dll', 'exe', 'pb', 'tflite', 'safetensors', 'ubj', 'arrow',
  'feather', 'orc', 'avro', 'mp3', 'mp4', 'wav', 'mov', 'pdf', 'db', 'sqlite',
])

export function extensionOf(path: string): string {
  const name = nameOf(path)
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

/** How a file previews, by its extension; files without a known one are tried as text. */
export function previewKind(path: string): PreviewKind {
  const ext = extensionOf(path)
  if (IMAGE.has(ext)) return 'image'
  if (TABLE.has(ext)) return 'table'
  if (JSON_EXT.has(ext)) return 'json'
  if (YAML.has(ext) || nameOf(path) === 'MLmodel') return 'yaml'
  if (MARKDOWN.has(ext)) return 'markdown'
  if (BINARY.has(ext)) return 'binary'
  return 'text'
}

export function nameOf(path: string): string {
  const parts = path.split('/').filter(Boolean)
  return parts[parts.length - 1] ?? ''
}

export function parentOf(path: string): string {
  const parts = path.split('/').filter(Boolean)
  return parts.slice(0, -1).join('/')
}

/** Every folder above `path`, outermost first: `a/b/c.txt` → `['a', 'a/b']`. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/').filter(Boolean)
  return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('/'))
}

/** The download URL of an artifact: each segment percent-encoded, the slashes kept. */
export function artifactUrl(runId: string, path: string): string {
  const encoded = path.split('/').filter(Boolean).map(encodeURIComponent).join('/')
  return `/api/v1/runs/${encodeURIComponent(runId)}/artifacts/${encoded}`
}

/** Binary units (1 KB = 1024 B), as file browsers show them. */
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return ''
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`
}

/** Text with a NUL among its first bytes is not text. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000')
}

/** Pretty JSON when the text is complete valid JSON, else the text as it is. */
export function prettyJson(text: string, complete: boolean): { text: string; pretty: boolean } {
  if (!complete) return { text, pretty: false }
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), pretty: true }
  } catch {
    return { text, pretty: false }
  }
}
