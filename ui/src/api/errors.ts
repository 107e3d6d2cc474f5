/** Every failed API call becomes one ApiError, so views handle failures one way. */

export class ApiError extends Error {
  override readonly name = 'ApiError'
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number
  /** The server's stable error code (NOT_FOUND, INVALID_FILTER, …). */
  readonly code: string
  /** For INVALID_FILTER: 0-based offset of the offending token in the filter, else -1. */
  readonly position: number

  constructor(status: number, code: string, message: string, position = -1) {
    super(message)
    this.status = status
    this.code = code
    this.position = position
  }

  /** Build from a response body of the shape `{"error": {"code", "message", "position"?}}`. */
  static fromBody(status: number, body: unknown): ApiError {
    const error = isRecord(body) && isRecord(body.error) ? body.error : undefined
    const code = typeof error?.code === 'string' ? error.code : `HTTP_${status}`
    const message = typeof error?.message === 'string' ? error.message : `The server answered HTTP ${status}.`
    const position = typeof error?.position === 'number' ? error.position : -1
    return new ApiError(status, code, message, position)
  }

  static network(cause: unknown): ApiError {
    const detail = cause instanceof Error ? ` (${cause.message})` : ''
    return new ApiError(0, 'NETWORK', `Cannot reach the tether server${detail}. Check that it is running, then retry.`)
  }

  /** The first line of the message: filter errors add the filter and a caret on the next lines. */
  get summary(): string {
    return this.message.split('\n', 1)[0] ?? this.message
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
