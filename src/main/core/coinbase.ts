/**
 * The coinbase factory (PROTOCOL §3, §4 rules 5 and 7): the one place a coinbase is built, so the
 * miner's template and the tests' blocks cannot drift from what validation accepts.
 */
import { txId } from './codec'
import { COINBASE_SENDER, type Transaction } from './types'

export interface CoinbaseTerms {
  /** The index of the block it opens: a coinbase's nonce is its block's index (rule 5). */
  readonly index: number
  /** The address paid. */
  readonly recipient: string
  /** Reward plus the block's fees (rule 7); a caller may pass another amount to build a bad block. */
  readonly amount: number
}

/** PROTOCOL §3 and §4 rule 5: sender "0", fee 0, nonce = index, no key or signature, id on `genesisHash`'s network. */
export function createCoinbase(terms: CoinbaseTerms, genesisHash: string): Transaction {
  const body = {
    sender: COINBASE_SENDER,
    recipient: terms.recipient,
    amount: terms.amount,
    fee: 0,
    nonce: terms.index
  }
  return { ...body, id: txId(body, genesisHash), publicKey: null, signature: null }
}
