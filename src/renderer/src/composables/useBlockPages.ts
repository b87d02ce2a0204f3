import { ref, shallowReactive, watch, type Ref } from 'vue'
import type { BlockSummary } from '@shared/api'
import { api } from '@renderer/api'
import type { ReorgEvent } from '@renderer/stores/chain'
import { errorMessage } from '@renderer/stores/tracker'

export const PAGE_SIZE = 100
/**
 * Pages kept: a few screens either side of any place in the list. Scrolling a 100,000-block
 * chain end to end would otherwise keep every block summary it passed (tens of MB, and the
 * garbage collector's long pauses while scrolling); the pages farthest from the last one read
 * are dropped first, and fetched again if scrolled back to.
 */
export const MAX_PAGES = 20

/**
 * Main-chain blocks by row (row 0 = the tip), fetched a page at a time with listBlocks as rows come
 * into view, so a list of 100,000 blocks only ever holds the pages near where it was read
 * (MAX_PAGES).
 *
 * Blocks are cached by index, in pages aligned on index (1-100, 101-200, ...): a new tip only adds
 * rows at the top, so what is cached stays right and only the newest page is fetched again.
 * A reorg drops everything above its fork point. One request per page at a time, however fast
 * blocks arrive.
 */
export function useBlockPages(tipIndex: Ref<number>, lastReorg: Ref<ReorgEvent | null>) {
  const byIndex = shallowReactive(new Map<number, BlockSummary>())
  const inFlight = new Set<number>()
  /** Pages held in byIndex. */
  const held = new Set<number>()
  /** The page of the row read last: where the reader is. */
  let near = 0
  const error = ref<string | null>(null)

  const pageOf = (index: number): number => Math.floor((index - 1) / PAGE_SIZE)

  /** Drop the pages farthest from where the reader is, down to MAX_PAGES. */
  function trim(): void {
    if (held.size <= MAX_PAGES) return
    const far = [...held].sort((a, b) => Math.abs(b - near) - Math.abs(a - near))
    for (const page of far.slice(0, held.size - MAX_PAGES)) {
      held.delete(page)
      const top = (page + 1) * PAGE_SIZE
      for (let i = page * PAGE_SIZE + 1; i <= top; i++) byIndex.delete(i)
    }
  }

  async function fetchPage(page: number): Promise<void> {
    if (inFlight.has(page)) return
    const top = Math.min(tipIndex.value, (page + 1) * PAGE_SIZE)
    const bottom = page * PAGE_SIZE + 1
    if (top < bottom) return
    inFlight.add(page)
    try {
      const blocks = await api.listBlocks(top, top - bottom + 1)
      for (const b of blocks) byIndex.set(b.index, b)
      held.add(page)
      trim()
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
    if (index >= 1) near = pageOf(index)
    const block = byIndex.get(index)
    if (!block && index >= 1 && !error.value) void fetchPage(pageOf(index))
    return block
  }

  watch(lastReorg, (r) => {
    if (!r) return
    for (const index of [...byIndex.keys()]) if (index > r.forkIndex) byIndex.delete(index)
    // A page that lost rows is fetched whole again when read, so it no longer counts as held.
    for (const page of [...held]) if ((page + 1) * PAGE_SIZE > r.forkIndex) held.delete(page)
  })

  /** Forget everything (and clear a failure), e.g. to retry. */
  function reset(): void {
    error.value = null
    byIndex.clear()
    held.clear()
  }

  return { rowAt, error, reset }
}
