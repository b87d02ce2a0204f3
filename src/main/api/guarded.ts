/**
 * The wrapper every handler that answers with an ApiResult goes through: a bad argument or a
 * storage fault becomes an error value the renderer can show, never an opaque throw.
 */
import type { ApiResult } from '../../shared/api'
import { StorageUnavailableError, storageFaultOf } from '../node/facade'
import { BadArgument, errResult } from './guards'

/** Wrap a handler so a BadArgument becomes an ApiResult error (or a throw for plain returns). */
export function guarded<A extends unknown[], T>(
  fn: (...args: A) => Promise<ApiResult<T>> | ApiResult<T>
): (...args: A) => Promise<ApiResult<T>> {
  return async (...args: A) => {
    try {
      return await fn(...args)
    } catch (e) {
      if (e instanceof BadArgument) return errResult('invalid_field', e.message)
      // A full or damaged store: the call fails with the reason (the status banner says it too).
      if (e instanceof StorageUnavailableError) return errResult('unavailable', e.message)
      const f = storageFaultOf(e)
      if (f !== undefined)
        return errResult('unavailable', `the data dir could not be written or read (${f.code})`)
      throw e
    }
  }
}
