/**
 * The tamper lab's copy of a block (issue 13): a stored block with a person's edits applied, and
 * what each edit breaks. Pure: the caller looks up the original and its next block, and runs the
 * rule report (inspect.ts) on the copy.
 *
 * What a forger can redo is redone and what they cannot stays: an edited transaction gets the id
 * its new contents hash to (anyone can compute a hash) but keeps its signature (only the sender's
 * key can make one); the header's Merkle root and hash stay as stated until the person restates
 * them (recomputes the root, re-mines the proof), so each step shows what it breaks next.
 */
import { blockHash, txId, txSigningBytes } from './codec'
import { merkleRoot } from './merkle'
import { leadingZeroBits } from './pow'
import { isCoinbase, type Block, type Transaction } from './types'
import { verifyWithNodeCrypto, type SignatureVerifier } from './validate'

/** The edits of a copy (the UI API's CopyEdits, checked by its handler). */
export interface CopyEdits {
  readonly timestamp?: number
  readonly proof?: number
  readonly previousHash?: string
  readonly merkleRoot?: string
  readonly hash?: string
  readonly transactions?: readonly {
    readonly index: number
    readonly amount?: number
    readonly recipient?: string
  }[]
}

/** The original with `edits` applied: a new block object; the original is not changed. */
export function applyEdits(original: Block, edits: CopyEdits, genesisHash: string): Block {
  const txs = [...original.transactions]
  for (const e of edits.transactions ?? []) {
    const tx = txs[e.index]
    if (tx === undefined) throw new RangeError(`the block has no transaction ${e.index}`)
    const changed = {
      ...tx,
      amount: e.amount ?? tx.amount,
      recipient: e.recipient ?? tx.recipient
    }
    txs[e.index] = { ...changed, id: txId(changed, genesisHash) }
  }
  return {
    ...original,
    timestamp: edits.timestamp ?? original.timestamp,
    proof: edits.proof ?? original.proof,
    previousHash: edits.previousHash ?? original.previousHash,
    merkleRoot: edits.merkleRoot ?? original.merkleRoot,
    hash: edits.hash ?? original.hash,
    transactions: txs
  }
}

/** What the copy breaks that a person sees before reading the rules. */
export interface CopyBreaks {
  /** SHA-256 of the copy's header bytes (its stated hash may differ). */
  computedHash: string
  /** Leading zero bits of the computed hash, against the copy's difficulty. */
  zeros: number
  computedMerkleRoot: string
  /** Each edited transaction's signature against its new contents; null for the coinbase. */
  edited: { index: number; signatureValid: boolean | null }[]
  /** The next block names the original's hash: whether it names the copy's (computed) too. */
  link: 'none' | 'holds' | 'broken'
}

/** Whether `tx` (a transfer) is signed by its public key over its contents; null: a coinbase. */
export function signatureHolds(
  tx: Transaction,
  genesisHash: string,
  verifier: SignatureVerifier = verifyWithNodeCrypto
): boolean | null {
  if (isCoinbase(tx)) return null
  return verifier(tx, txSigningBytes(tx, genesisHash))
}

export function copyBreaks(
  copy: Block,
  edits: CopyEdits,
  next: { previousHash: string } | undefined,
  genesisHash: string,
  verifier: SignatureVerifier = verifyWithNodeCrypto
): CopyBreaks {
  const computedHash = blockHash(copy)
  const indexes = [...new Set((edits.transactions ?? []).map((e) => e.index))].sort((a, b) => a - b)
  return {
    computedHash,
    zeros: leadingZeroBits(computedHash),
    computedMerkleRoot: merkleRoot(copy.transactions.map((t) => t.id)),
    edited: indexes.map((index) => ({
      index,
      signatureValid: signatureHolds(copy.transactions[index], genesisHash, verifier)
    })),
    link: next === undefined ? 'none' : next.previousHash === computedHash ? 'holds' : 'broken'
  }
}
