/**
 * The node's values as the UI contract (src/shared/api.ts) shows them: block summaries from a
 * block or a summary row, a transfer as a line of an address's history. Pure conversions.
 */
import { txToWire, type Block, type Transaction } from '../core'
import type { HeaderEntry } from '../chain/store'
import type { BlockSummaryRow } from '../store/sqlite-store'
import type { BlockSummary, ChainNode, HistoryEntry } from '../../shared/api'

export function summaryFromRow(r: BlockSummaryRow): BlockSummary {
  return {
    hash: r.hash,
    index: r.height,
    timestamp: r.timestamp,
    previousHash: r.parent,
    difficulty: r.difficulty,
    txCount: r.tx_count,
    miner: r.miner ?? '',
    reward: r.reward ?? 0,
    onMain: r.on_main === 1,
    totalWork: r.total_work
  }
}

export function chainNodeFromRow(r: BlockSummaryRow): ChainNode {
  return {
    hash: r.hash,
    index: r.height,
    previousHash: r.parent,
    onMain: r.on_main === 1,
    txCount: r.tx_count,
    timestamp: r.timestamp
  }
}

export function blockSummary(b: Block, h: HeaderEntry, onMain: boolean): BlockSummary {
  const cb = b.transactions[0]
  return {
    hash: b.hash,
    index: b.index,
    timestamp: b.timestamp,
    previousHash: b.previousHash,
    difficulty: b.difficulty,
    txCount: b.transactions.length,
    miner: cb?.recipient ?? '',
    reward: cb?.amount ?? 0,
    onMain,
    totalWork: h.totalWork.toString()
  }
}

/** A transfer as a line of `address`'s history: its effect on the balance, pending or where mined. */
export function historyEntry(
  t: Transaction,
  address: string,
  blockHash: string | null,
  blockIndex: number | null,
  timestamp: number | null
): HistoryEntry {
  let delta = 0
  if (t.recipient === address) delta += t.amount
  if (t.sender === address) delta -= t.amount + t.fee
  return {
    transaction: txToWire(t),
    blockHash,
    blockIndex,
    timestamp,
    status: blockHash === null ? 'pending' : 'confirmed',
    delta
  }
}
