/**
 * The lab's fork tree and fork history: every block this node knows off its main chain (side
 * branches and orphans waiting for their parent), with the main-chain blocks beside them, and
 * each reorganisation as the store kept it (store/reorgs.ts). Reads only.
 */
import {
  FORK_TREE_SIDE_MAX,
  MAX_REORGS,
  type ApiMethod,
  type ForkTree,
  type ForkTreeBlock,
  type NodeApiHandlers
} from '../../shared/api'
import type { BlockListing, NodeFacade } from '../node/facade'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { int, okResult } from './guards'

export const FORK_METHODS = ['getForkTree', 'listReorgs'] as const satisfies readonly ApiMethod[]

export type ForkHandlers = Pick<NodeApiHandlers, (typeof FORK_METHODS)[number]>

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

export function forkHandlers(deps: Pick<UiApiDeps, 'service'>): ForkHandlers {
  const { service } = deps
  return {
    getForkTree: guarded(async () => okResult(forkTree(service))),

    listReorgs: guarded(async (offset, limit) => {
      const page = service.reorgHistory(
        int(offset, 'offset', 0, MAX_REORGS),
        int(limit, 'limit', 1, MAX_REORGS)
      )
      return okResult({
        records: page.records.map((r) => ({
          ...r,
          disconnected: [...r.disconnected],
          connected: [...r.connected],
          txsBack: [...r.txsBack]
        })),
        total: page.total
      })
    })
  }
}
