import { ref, shallowRef, watch, type Ref, type ShallowRef, type WatchSource } from 'vue'
import type { ApiResult } from '@shared/api'
import { coalesce, errorMessage } from '@renderer/stores/tracker'

export interface Resource<T> {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  /** The node's message for a refused request, or the transport's for a failed one. */
  error: Ref<string | null>
  /** The node's error code (`not_found`, `invalid_field`, ...) when it refused the request. */
  errorCode: Ref<string | null>
  reload(): Promise<void>
}

/**
 * Page data fetched from the node: loaded again from scratch when `key` changes, and quietly
 * (keeping what is shown) when `refresh` changes, e.g. on a new block.
 */
export function useResource<T>(
  key: WatchSource<unknown>,
  fetch: () => Promise<ApiResult<T>>,
  refresh?: WatchSource<unknown>
): Resource<T> {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const errorCode = ref<string | null>(null)
  let latest = 0

  async function load(quiet: boolean): Promise<void> {
    const mine = ++latest
    if (!quiet) {
      loading.value = true
      data.value = null
    }
    try {
      const r = await fetch()
      if (mine !== latest) return
      if (r.ok) {
        data.value = r.value
        error.value = null
        errorCode.value = null
      } else {
        data.value = null
        error.value = r.message || r.error
        errorCode.value = r.error
      }
    } catch (e) {
      if (mine === latest) {
        error.value = errorMessage(e)
        errorCode.value = null
      }
    } finally {
      if (mine === latest) loading.value = false
    }
  }

  watch(key, () => load(false), { immediate: true })
  // Many refresh signals in a row (blocks arriving fast) make one request at a time.
  const quietReload = coalesce(() => load(true))
  if (refresh) watch(refresh, () => void quietReload())
  return { data, loading, error, errorCode, reload: () => load(false) }
}
