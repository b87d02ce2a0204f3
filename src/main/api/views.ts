/**
 * The node's values as the UI contract (src/shared/api.ts) shows them: block summaries from a
 * block or a listing, a transfer as a line of an address's history. Pure conversions.
 */
import type { Block, Transaction } from '../core'
import type { BlockListing, HeaderEntry } from '../node/facade'
import type { BlockSummary, ChainNode, HistoryEntry, TransactionView } from '../../shared/api'

/** A transaction as the UI shows it (camelCase, as the node's own value; not the wire's form). */
export function txView(t: Transaction): TransactionView {
  return {
    id: t.id,
    sender: t.sender,
    recipient: t.recipient,
    amount: t.amount,
    fee: t.fee,
    nonce: t.nonce,
    publicKey: t.publicKey,
    signature: t.signature
  }
}

export function summaryFromListing(l: BlockListing): BlockSummary {
  return { ...l, miner: l.miner ?? '', reward: l.reward ?? 0 }
}

export function chainNodeFromListing(l: BlockListing): ChainNode {
  return {
    hash: l.hash,
    index: l.index,
    previousHash: l.previousHash,
    onMain: l.onMain,
    txCount: l.txCount,
    timestamp: l.timestamp
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
    transaction: txView(t),
    blockHash,
    blockIndex,
    timestamp,
    status: blockHash === null ? 'pending' : 'confirmed',
    delta
  }
}
