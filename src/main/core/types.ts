/**
 * Domain types. camelCase here; the snake_case wire form lives only in codec.ts and the HTTP layer.
 * Hashes, addresses, keys and signatures are lowercase hex strings, as on the wire.
 */

/** The coinbase sender, as in the walkthrough (PROTOCOL §1). */
export const COINBASE_SENDER = '0'

export interface Transaction {
  readonly id: string
  /** An address, or "0" for the coinbase. */
  readonly sender: string
  /** An address; "0" only in malformed transactions that validation refuses. */
  readonly recipient: string
  readonly amount: number
  readonly fee: number
  readonly nonce: number
  readonly publicKey: string | null
  readonly signature: string | null
}

export interface BlockHeader {
  readonly version: number
  readonly index: number
  readonly timestamp: number
  readonly previousHash: string
  readonly merkleRoot: string
  readonly difficulty: number
  readonly proof: number
}

export interface Block extends BlockHeader {
  readonly hash: string
  readonly transactions: readonly Transaction[]
}

export interface TransactionWire {
  id: string
  sender: string
  recipient: string
  amount: number
  fee: number
  nonce: number
  public_key: string | null
  signature: string | null
}

export interface BlockWire {
  index: number
  timestamp: number
  transactions: TransactionWire[]
  proof: number
  previous_hash: string
  merkle_root: string
  difficulty: number
  version: number
  hash: string
}

export interface Account {
  readonly balance: number
  readonly nonce: number
}

export const EMPTY_ACCOUNT: Account = Object.freeze({ balance: 0, nonce: 0 })

export function isCoinbase(tx: Transaction): boolean {
  return tx.sender === COINBASE_SENDER
}
