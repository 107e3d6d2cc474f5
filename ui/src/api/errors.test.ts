import { describe, expect, it } from 'vitest'

import { ApiError } from './errors'

describe('ApiError', () => {
  it('reads the API error shape, position included', () => {
    const body = { error: { code: 'INVALID_FILTER', message: "unexpected '<>'\n  metrics.a <> 1\n            ^", position: 10 } }
    const error = ApiError.fromBody(400, body)
    expect(error).toMatchObject({ status: 400, code: 'INVALID_FILTER', position: 10 })
    expect(error.summary).toBe("unexpected '<>'")
  })

  it('copes with a body of another shape', () => {
    const error = ApiError.fromBody(502, '<html>Bad Gateway</html>')
    expect(error).toMatchObject({ status: 502, code: 'HTTP_502', position: -1 })
    expect(error.message).toBe('The server answered HTTP 502.')
  })

  it('says what to do when the server cannot be reached', () => {
    const error = ApiError.network(new TypeError('Failed to fetch'))
    expect(error.status).toBe(0)
    expect(error.message).toContain('Failed to fetch')
  })
})
