import type { ChainNode } from '@shared/api'

export type PlacedBlock<N extends ChainNode = ChainNode> = N & {
  /** Column: index - first index in view. */
  col: number
  /** Row: 0 for the main chain, 1.. for side branches. */
  lane: number
}

export interface ChainEdge<N extends ChainNode = ChainNode> {
  from: PlacedBlock<N>
  /** The parent, or null when it lies left of the view (drawn as a stub). */
  to: PlacedBlock<N> | null
}

export interface ChainLayout<N extends ChainNode = ChainNode> {
  blocks: PlacedBlock<N>[]
  edges: ChainEdge<N>[]
  columns: number
  lanes: number
}

/**
 * Places main and side blocks on a grid for drawing: the main chain on lane 0, each side branch
 * on the first lane free from where it forks, a branch continuing on its parent's lane. A block's
 * column is its index less `fromIndex`, or what `colOf` says (the fork tree leaves out runs).
 */
export function layoutChain<N extends ChainNode>(
  nodes: readonly N[],
  fromIndex: number,
  colOf: (index: number) => number = (i) => i - fromIndex
): ChainLayout<N> {
  const sorted = [...nodes].sort(
    (a, b) =>
      a.index - b.index || Number(b.onMain) - Number(a.onMain) || a.hash.localeCompare(b.hash)
  )
  const byHash = new Map<string, PlacedBlock<N>>()
  /** For each side lane, the last column it holds. */
  const laneEnd: number[] = [Number.POSITIVE_INFINITY]
  /** Parents whose lane has already been continued by one child. */
  const continued = new Set<string>()
  const blocks: PlacedBlock<N>[] = []

  for (const n of sorted) {
    const col = colOf(n.index)
    let lane = 0
    if (!n.onMain) {
      const parent = byHash.get(n.previousHash)
      if (parent && parent.lane > 0 && !continued.has(parent.hash)) {
        lane = parent.lane
        continued.add(parent.hash)
      } else {
        // A new branch needs a free column before it, so it never looks like it continues another.
        lane = laneEnd.findIndex((end, i) => i > 0 && end < col - 1)
        if (lane === -1) lane = laneEnd.push(col) - 1
      }
      laneEnd[lane] = col
    }
    const placed: PlacedBlock<N> = { ...n, col, lane }
    byHash.set(n.hash, placed)
    blocks.push(placed)
  }

  const edges: ChainEdge<N>[] = blocks
    .filter((b) => b.index > 1)
    .map((b) => ({ from: b, to: byHash.get(b.previousHash) ?? null }))
  const columns = blocks.reduce((m, b) => Math.max(m, b.col + 1), 0)
  return { blocks, edges, columns, lanes: laneEnd.length }
}
