import { ref, shallowReactive, watch, type Ref } from 'vue'
import type { BlockSummary } from '@shared/api'
import { api } from '@renderer/api'
import { errorMessage } from '@renderer/stores/tracker'

export const PAGE_SIZE = 100

/**
 * Main-chain blocks by row (row 0 = the tip), fetched a page at a time with listBlocks as rows come
 * into view, so a list of 100,000 blocks only ever holds the pages scrolled past.
 * Pages are dropped when the tip moves (`revision`), since rows then map to other blocks.
 */
export function useBlockPages(tipIndex: Ref<number>, revision: Ref<number>) {
  const pages = shallowReactive(new Map<number, BlockSummary[]>())
  const inFlight = new Set<number>()
  const error = ref<string | null>(null)
  let generation = 0

  async function fetchPage(page: number): Promise<void> {
    if (pages.has(page) || inFlight.has(page)) return
    const from = tipIndex.value - page * PAGE_SIZE
    if (from < 1) return
    const gen = generation
    inFlight.add(page)
    try {
      const blocks = await api.listBlocks(from, Math.min(PAGE_SIZE, from))
      if (gen === generation) {
        pages.set(page, blocks)
        error.value = null
      }
    } catch (e) {
      if (gen === generation) error.value = errorMessage(e)
    } finally {
      inFlight.delete(page)
    }
  }

  /** The block shown in `row`, or undefined while its page loads (and the load is started). */
  function rowAt(row: number): BlockSummary | undefined {
    const page = Math.floor(row / PAGE_SIZE)
    const blocks = pages.get(page)
    if (!blocks) {
      void fetchPage(page)
      return undefined
    }
    return blocks[row - page * PAGE_SIZE]
  }

  function reset(): void {
    generation++
    inFlight.clear()
    pages.clear()
  }

  watch([tipIndex, revision], reset)
  return { rowAt, error, reset }
}
