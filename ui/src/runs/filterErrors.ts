/** Sorting out a refused search: a filter error is marked in the filter box, an order_by error by the sort. */
import { ApiError } from '../api/errors'
import type { FilterError } from './FilterBox'

export function filterErrorOf(error: unknown): FilterError | null {
  if (!(error instanceof ApiError) || error.code !== 'INVALID_FILTER' || isSortError(error)) return null
  return { message: error.summary, position: error.position }
}

export function sortErrorOf(error: unknown): string | null {
  return error instanceof ApiError && error.code === 'INVALID_FILTER' && isSortError(error) ? error.summary : null
}

function isSortError(error: ApiError): boolean {
  return error.message.startsWith('order_by')
}
