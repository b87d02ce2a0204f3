import { useMessage } from 'naive-ui'
import type { ApiResult } from '@shared/api'
import { useOutcomes, type Busy, type Refusal } from '@renderer/i18n/outcomes'

/**
 * Shows the outcome of an action: a success toast with `successText` (none without it), or the
 * node's refusal worded from its code, its own text as detail (i18n/outcomes.ts). Transport
 * failures are already in the store's `error` and shown there.
 */
export function useApiFeedback() {
  const message = useMessage()
  const outcomes = useOutcomes()
  /** `refusalText` words a refusal for this action (e.g. which peer); by default the outcome's. */
  function report<T>(
    r: ApiResult<T> | Busy | undefined,
    successText?: (value: T) => string,
    refusalText: (r: Refusal) => string = outcomes.refusal
  ): boolean {
    if (!r) return false
    if (r.ok) {
      if (successText) message.success(successText(r.value))
      return true
    }
    message.error(refusalText(r))
    return false
  }
  return { report }
}
