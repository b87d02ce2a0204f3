import { computed, ref, shallowRef, watch, type Ref, type ShallowRef, type WatchSource } from 'vue'
import type { ApiResult } from '@shared/api'
import { useOutcomes, type Refusal } from '@renderer/i18n/outcomes'
import { coalesce, errorMessage } from '@renderer/stores/tracker'

export interface Resource<T> {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  /**
   * A refused request worded from its code in the user's language (the node's text as detail,
   * i18n/outcomes.ts), or the transport's message for a failed one.
   */
  error: Readonly<Ref<string | null>>
  /** The node's error code (`not_found`, `invalid_field`, ...) when it refused the request. */
  errorCode: Readonly<Ref<string | null>>
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
  const outcomes = useOutcomes()
  /** Kept as the node sent it, worded on display: a language switch rewords a shown error. */
  const refusal = shallowRef<Refusal | null>(null)
  const failure = ref<string | null>(null)
  const error = computed(() => (refusal.value ? outcomes.refusal(refusal.value) : failure.value))
  const errorCode = computed(() => refusal.value?.error ?? null)
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
        refusal.value = null
        failure.value = null
      } else {
        data.value = null
        refusal.value = { error: r.error, message: r.message }
        failure.value = null
      }
    } catch (e) {
      if (mine === latest) {
        refusal.value = null
        failure.value = errorMessage(e)
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
