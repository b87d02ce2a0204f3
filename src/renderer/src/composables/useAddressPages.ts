import { ref, toValue, watch, type Ref, type WatchSource } from 'vue'
import { storeToRefs } from 'pinia'
import type { AddressInfo, ApiResult } from '@shared/api'
import { api } from '@renderer/api'
import { useChainStore } from '@renderer/stores/chain'
import { useResource, type Resource } from './useResource'

/** Rows per page of an address's history, on the Address screen and the Wallet alike. */
export const HISTORY_PAGE_SIZE = 20

export interface AddressPages extends Resource<AddressInfo | null> {
  /** The page shown, from 1; back to 1 when the address changes. */
  page: Ref<number>
  pageSize: number
}

/**
 * An address's balance, nonce and history, one page at a time from the node, so every entry can
 * be reached however long the history (a mining wallet gains one per block). Shown pages are
 * fetched again quietly on each new block or reorg, and on `refresh` changing. `address` may be
 * empty until it is known (the wallet's, before the wallet has loaded): nothing is fetched then.
 */
export function useAddressPages(
  address: () => string | undefined,
  refresh?: WatchSource<unknown>
): AddressPages {
  const { revision } = storeToRefs(useChainStore())
  const page = ref(1)
  watch(address, () => (page.value = 1))
  const resource = useResource<AddressInfo | null>(
    () => [address(), page.value],
    async (): Promise<ApiResult<AddressInfo | null>> => {
      const a = address()
      if (!a) return { ok: true, value: null }
      return api.getAddress(a, (page.value - 1) * HISTORY_PAGE_SIZE, HISTORY_PAGE_SIZE)
    },
    () => [revision.value, refresh === undefined ? undefined : toValue(refresh)]
  )
  return { ...resource, page, pageSize: HISTORY_PAGE_SIZE }
}
