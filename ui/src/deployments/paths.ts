/** The URLs of the deployments' pages. */
export function deploymentPath(name: string): string {
  return `/deployments/${encodeURIComponent(name)}`
}
