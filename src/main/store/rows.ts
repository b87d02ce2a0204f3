/**
 * The blocks table's rows and their conversion to the core's values. The `txs` column holds a
 * block's transactions as their wire JSON (snake_case, as the codec writes them), so a block
 * read back is exactly the block stored, and a page of blocks can be served as JSON without
 * building objects (wireJson).
 */
import type { Block, Transaction, TransactionWire } from '../core'
import type { HeaderEntry } from '../chain/store'

export interface BlockRow {
  hash: string
  height: number
  parent: string
  version: number
  timestamp: number
  merkle_root: string
  difficulty: number
  proof: number
  total_work: string
  tx_count: number
  txs: string
}

export type HeaderRow = Omit<BlockRow, 'txs'>

/** The columns wireJson needs (what the paged chain reads select). */
export type WireRow = Omit<BlockRow, 'total_work' | 'tx_count'>

export const HEADER_COLUMNS =
  'hash, height, parent, version, timestamp, merkle_root, difficulty, proof, total_work, tx_count'

export function txFromWire(w: TransactionWire): Transaction {
  return {
    id: w.id,
    sender: w.sender,
    recipient: w.recipient,
    amount: w.amount,
    fee: w.fee,
    nonce: w.nonce,
    publicKey: w.public_key,
    signature: w.signature
  }
}

export function headerFromRow(r: HeaderRow): HeaderEntry {
  return {
    hash: r.hash,
    version: r.version,
    index: r.height,
    timestamp: r.timestamp,
    previousHash: r.parent,
    merkleRoot: r.merkle_root,
    difficulty: r.difficulty,
    proof: r.proof,
    totalWork: BigInt(r.total_work),
    txCount: r.tx_count
  }
}

export function blockFromRow(r: BlockRow): Block {
  const h = headerFromRow(r)
  return {
    hash: h.hash,
    version: h.version,
    index: h.index,
    timestamp: h.timestamp,
    previousHash: h.previousHash,
    merkleRoot: h.merkleRoot,
    difficulty: h.difficulty,
    proof: h.proof,
    transactions: (JSON.parse(r.txs) as TransactionWire[]).map(txFromWire)
  }
}

/**
 * A block row as its wire JSON text: blockToWire's fields in its order, exactly what
 * JSON.stringify(blockToWire(b)) gives; the `txs` column already is the transactions' wire JSON.
 * Hashes are checked hex before they are stored; JSON.stringify keeps the text right anyway.
 */
export function wireJson(r: WireRow): string {
  return (
    `{"index":${r.height},"timestamp":${r.timestamp},"transactions":${r.txs},"proof":${r.proof},` +
    `"previous_hash":${JSON.stringify(r.parent)},"merkle_root":${JSON.stringify(r.merkle_root)},` +
    `"difficulty":${r.difficulty},"version":${r.version},"hash":${JSON.stringify(r.hash)}}`
  )
}
