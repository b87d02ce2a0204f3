/**
 * What a reorganisation did, as the fork history keeps it (the lab's fork tree): the fork point,
 * the tip left and the tip reached, the work of each branch since the fork (the reason the node
 * switched), the blocks and transfers that left and joined the main chain, and the transfers
 * offered back to the pending pool. Built from the Reorg the chain computes, by a pure function,
 * so that the record stored with the change (the same SQLite transaction, chain/store.ts) and the
 * timeline's entry (node/timeline.ts) say the same thing.
 */
import { blockWork, type Block } from '../core'

/** A reorganisation as the chain reports it (chain.ts's Reorg; stated here so as not to import it back). */
interface Switch {
  readonly forkIndex: number
  /** Tip first. */
  readonly disconnected: readonly Block[]
  /** Oldest first. */
  readonly connected: readonly Block[]
}

/** The most hashes or ids a record lists of each kind; it counts them all. */
export const REORG_LIST_MAX = 64

export interface TipRef {
  readonly hash: string
  readonly index: number
}

export interface ReorgRecord {
  /** When the node switched (ms since the epoch). */
  readonly at: number
  /** The last block both branches share. */
  readonly forkIndex: number
  readonly forkHash: string
  readonly oldTip: TipRef
  readonly newTip: TipRef
  /** Work of the blocks each branch has after the fork point (decimal); new > old. */
  readonly oldWork: string
  readonly newWork: string
  /** Hashes of the blocks that left the main chain, oldest first (at most REORG_LIST_MAX). */
  readonly disconnected: readonly string[]
  readonly disconnectedCount: number
  /** Hashes of the blocks that joined it, oldest first (at most REORG_LIST_MAX). */
  readonly connected: readonly string[]
  readonly connectedCount: number
  /** Transfers (coinbases left out) in the blocks that left, and in those that joined. */
  readonly txsDisconnected: number
  readonly txsConnected: number
  /**
   * Transfers of the blocks that left that are in none that joined: offered back to the pending
   * pool (which keeps those still valid on the new tip). At most REORG_LIST_MAX ids.
   */
  readonly txsBack: readonly string[]
  readonly txsBackCount: number
  /** Who offered the block that made the switch: a peer's URL, else 'mined', 'http', 'import' or 'local'. */
  readonly source: string
}

const work = (bs: readonly Block[]): bigint => bs.reduce((w, b) => w + blockWork(b.difficulty), 0n)
const transfers = (bs: readonly Block[]) => bs.flatMap((b) => b.transactions.slice(1))

/** The transfers a reorganisation hands back to the pool: in a block that left, in none that joined. */
export function transfersBack(r: Switch): ReturnType<typeof transfers> {
  const joined = new Set(r.connected.flatMap((b) => b.transactions.map((t) => t.id)))
  return transfers(r.disconnected).filter((t) => !joined.has(t.id))
}

export function reorgRecord(
  r: Switch,
  at: number,
  origin: { readonly source?: string; readonly via?: string }
): ReorgRecord {
  // Reorg.disconnected is tip first; the record lists both branches oldest first.
  const left = [...r.disconnected].reverse()
  const joined = r.connected
  const back = transfersBack(r)
  const forkHash = joined[0].previousHash
  // (Chain never reports a reorganisation that disconnects nothing: that is the tip growing.)
  const oldTip = r.disconnected[0] ?? { hash: forkHash, index: r.forkIndex }
  const newTip = joined[joined.length - 1]
  return {
    at,
    forkIndex: r.forkIndex,
    forkHash,
    oldTip: { hash: oldTip.hash, index: oldTip.index },
    newTip: { hash: newTip.hash, index: newTip.index },
    oldWork: work(left).toString(),
    newWork: work(joined).toString(),
    disconnected: left.slice(0, REORG_LIST_MAX).map((b) => b.hash),
    disconnectedCount: left.length,
    connected: joined.slice(0, REORG_LIST_MAX).map((b) => b.hash),
    connectedCount: joined.length,
    txsDisconnected: transfers(left).length,
    txsConnected: transfers(joined).length,
    txsBack: back.slice(0, REORG_LIST_MAX).map((t) => t.id),
    txsBackCount: back.length,
    source: origin.source ?? origin.via ?? 'local'
  }
}
