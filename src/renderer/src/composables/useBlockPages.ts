import { ref, shallowReactive, watch, type Ref } from 'vue'
import type { BlockSummary } from '@shared/api'
import { api } from '@renderer/api'
import type { ReorgEvent } from '@renderer/stores/chain'
import { errorMessage } from '@renderer/stores/tracker'

export const PAGE_SIZE = 100

/**
 * Main-chain blocks by row (row 0 = the tip), fetched a page at a time with listBlocks as rows come
 * into view, so a list of 100,000 blocks only ever holds the pages scrolled past.
 *
 * Blocks are cached by index, in pages aligned on index (1-100, 101-200, ...): a new tip only adds
 * rows at the top, so what is cached stays right and only the newest page is fetched again.
 * A reorg drops everything above its fork point. One request per page at a time, however fast
 * blocks arrive.
 */
export function useBlockPages(tipIndex: Ref<number>, lastReorg: Ref<ReorgEvent | null>) {
  const byIndex = shallowReactive(new Map<number, BlockSummary>())
  const inFlight = new Set<number>()
  const error = ref<string | null>(null)

  const pageOf = (index: number): number => Math.floor((index - 1) / PAGE_SIZE)

  async function fetchPage(page: number): Promise<void> {
    if (inFlight.has(page)) return
    const top = Math.min(tipIndex.value, (page + 1) * PAGE_SIZE)
    const bottom = page * PAGE_SIZE + 1
    if (top < bottom) return
    inFlight.add(page)
    try {
      const blocks = await api.listBlocks(top, top - bottom + 1)
      for (const b of blocks) byIndex.set(b.index, b)
      error.value = null
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      inFlight.delete(page)
    }
  }

  /** The block shown in `row`, or undefined while its page loads (and the load is started). */
  function rowAt(row: number): BlockSummary | undefined {
    const index = tipIndex.value - row
    const block = byIndex.get(index)
    if (!block && index >= 1 && !error.value) void fetchPage(pageOf(index))
    return block
  }

  watch(lastReorg, (r) => {
    if (!r) return
    for (const index of [...byIndex.keys()]) if (index > r.forkIndex) byIndex.delete(index)
  })

  /** Forget everything (and clear a failure), e.g. to retry. */
  function reset(): void {
    error.value = null
    byIndex.clear()
  }

  return { rowAt, error, reset }
}
