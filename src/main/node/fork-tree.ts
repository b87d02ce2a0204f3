/**
 * The fork tree (the lab): every block this node knows off its main chain (the newest
 * FORK_TREE_SIDE_MAX side blocks and the orphans waiting for their parent) with the main-chain
 * blocks beside them. The UI API answers it for this node (api/forks.ts) and GET /forks for a
 * peer's Forks screen (http/routes.ts). Finding the side blocks scans the blocks' height index
 * (about 26 ms at 100,000 blocks): GET /forks answers from a copy while the chain is unchanged.
 */
import { FORK_TREE_SIDE_MAX, type ForkTree, type ForkTreeBlock } from '../../shared/api'
import type { BlockListing, NodeFacade } from './facade'

/** Main-chain blocks drawn after the last block of a branch: enough to see the main chain go on. */
const AFTER_BRANCH = 1
/** Main-chain blocks drawn at the tip. */
const AT_TIP = 3

const treeBlock = (l: BlockListing): ForkTreeBlock => ({
  hash: l.hash,
  index: l.index,
  previousHash: l.previousHash,
  onMain: l.onMain,
  txCount: l.txCount,
  timestamp: l.timestamp,
  status: l.onMain ? 'main' : 'side',
  totalWork: l.totalWork
})

/** Sorted indexes as runs of consecutive ones: [[a, b], …]. */
function runs(indexes: readonly number[]): [number, number][] {
  const out: [number, number][] = []
  for (const i of indexes) {
    const last = out[out.length - 1]
    if (last && i === last[1] + 1) last[1] = i
    else out.push([i, i])
  }
  return out
}

/**
 * The tree: the newest FORK_TREE_SIDE_MAX side blocks, the orphans, and the main-chain blocks
 * at the same heights as the side blocks (with the fork point before and one block after), at
 * the genesis and at the tip. Everything else of the main chain is a straight run the UI draws
 * as a gap.
 */
export function forkTree(service: NodeFacade): ForkTree {
  const tip = service.tip()
  const found = service.sideListings(FORK_TREE_SIDE_MAX + 1)
  // Ascending by index: the oldest go past the bound.
  const side = found.slice(Math.max(0, found.length - FORK_TREE_SIDE_MAX))
  const first = service.network.genesis.index
  const want = new Set<number>([first])
  for (let i = Math.max(first, tip.index - AT_TIP + 1); i <= tip.index; i++) want.add(i)
  for (const s of side) {
    for (let i = s.index - 1; i <= s.index + AFTER_BRANCH; i++)
      if (i >= first && i <= tip.index) want.add(i)
  }
  // A gap of a block or two is drawn, not left out: "… 1 block …" would take as much room.
  const sorted = [...want].sort((x, y) => x - y)
  for (let k = 1; k < sorted.length; k++)
    for (let i = sorted[k - 1] + 1; i < sorted[k] && sorted[k] - sorted[k - 1] <= 3; i++)
      want.add(i)
  const main: ForkTreeBlock[] = []
  for (const [a, b] of runs([...want].sort((x, y) => x - y))) {
    for (const l of service.blockListings('range', a, b)) if (l.onMain) main.push(treeBlock(l))
  }
  const orphans: ForkTreeBlock[] = service.orphanBlocks().map((b) => ({
    hash: b.hash,
    index: b.index,
    previousHash: b.previousHash,
    onMain: false,
    txCount: b.transactions.length,
    timestamp: b.timestamp,
    status: 'orphan',
    totalWork: null
  }))
  return {
    tipIndex: tip.index,
    tipHash: tip.hash,
    totalWork: tip.totalWork.toString(),
    blocks: [...main, ...side.map(treeBlock), ...orphans],
    sideOmitted: found.length > FORK_TREE_SIDE_MAX ? found.length - side.length : 0
  }
}
