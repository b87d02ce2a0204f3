import { useMessage } from 'naive-ui'
import type { ApiResult } from '@shared/api'
import { failureMessage } from '@renderer/stores/tracker'

/**
 * Shows the outcome of an action: a success toast with `successText` (none without it), or the
 * node's own error message. Transport failures are already in the store's `error` and shown there.
 */
export function useApiFeedback() {
  const message = useMessage()
  function report<T>(r: ApiResult<T> | undefined, successText?: (value: T) => string): boolean {
    if (!r) return false
    if (r.ok) {
      if (successText) message.success(successText(r.value))
      return true
    }
    message.error(failureMessage(r) ?? '')
    return false
  }
  return { report }
}
