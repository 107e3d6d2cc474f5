/** The URLs of the registry's pages. */
export function modelPath(name: string): string {
  return `/models/${encodeURIComponent(name)}`
}

export function versionPath(name: string, version: number): string {
  return `${modelPath(name)}/versions/${String(version)}`
}
