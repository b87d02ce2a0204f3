import type { ForkTreeBlock } from '@shared/api'

/** Main-chain blocks the fork tree leaves out between two drawn heights, drawn as one column. */
export interface TreeGap {
  col: number
  /** The last drawn index before the gap and the first after it. */
  after: number
  before: number
  /** Main-chain blocks in between (none past the tip: only orphans lie there). */
  count: number
}

/**
 * Columns of the fork tree: one per height that has a drawn block, and one for each run of
 * heights left out (a gap), so a tree of a 100,000-block chain is as wide as its branches.
 */
export function forkColumns(
  blocks: readonly Pick<ForkTreeBlock, 'index'>[],
  tipIndex: number
): { colOf: (index: number) => number; gaps: TreeGap[] } {
  const heights = [...new Set(blocks.map((b) => b.index))].sort((a, b) => a - b)
  const cols = new Map<number, number>()
  const gaps: TreeGap[] = []
  let col = 0
  let prev: number | undefined
  for (const i of heights) {
    if (prev !== undefined && i > prev + 1) {
      gaps.push({
        col,
        after: prev,
        before: i,
        count: Math.max(0, Math.min(i, tipIndex + 1) - prev - 1)
      })
      col++
    }
    cols.set(i, col++)
    prev = i
  }
  return { colOf: (i) => cols.get(i) ?? 0, gaps }
}

/** The drawn main block at the end of the gap before `index` (its parent is not drawn). */
export function mainBefore<T extends Pick<ForkTreeBlock, 'index' | 'status'>>(
  blocks: readonly T[],
  index: number
): T | undefined {
  let best: T | undefined
  for (const b of blocks)
    if (b.status === 'main' && b.index < index && (!best || b.index > best.index)) best = b
  return best
}
