/**
 * Validation of transactions and blocks (PROTOCOL §3, §4). Every function returns a Check: the
 * first rule broken, in the spec's order, with its code and a message for a person. Nothing here
 * throws on bad input.
 */
import { addressOf, sha256Hex, verifyEd25519 } from './crypto'
import { blockHash, txId, txSigningBytes } from './codec'
import { fail, OK, type Check, type Result, type RuleCode } from './errors'
import { merkleRoot } from './merkle'
import type { Network } from './networks'
import { leadingZeroBits } from './pow'
import { applyTransaction, StateOverlay, type StateView } from './state'
import {
  COINBASE_SENDER,
  isCoinbase,
  type Block,
  type BlockHeader,
  type Transaction
} from './types'

/**
 * Signature check, injectable so a node can verify in parallel ahead of time and answer from a
 * cache. Must be exactly as strict as node:crypto.
 */
export type SignatureVerifier = (tx: Transaction, signingBytes: Buffer) => boolean

export const verifyWithNodeCrypto: SignatureVerifier = (tx, bytes) =>
  tx.publicKey !== null && tx.signature !== null && verifyEd25519(tx.publicKey, bytes, tx.signature)

const short = (h: string): string => h.slice(0, 12) + '…'

/**
 * PROTOCOL §3 well-formedness of a transfer (not a coinbase), in the order the spec lists it:
 * recipient, sender/public key, amount, id, signature. Field types were checked by the codec.
 */
export function checkTransactionForm(
  tx: Transaction,
  genesisHash: string,
  verifier: SignatureVerifier = verifyWithNodeCrypto
): Check {
  const unsigned = checkFormBeforeSignature(tx, genesisHash)
  if (!unsigned.ok) return unsigned
  return checkSignature(tx, unsigned.value, verifier)
}

/** The last rule of a transfer's form (PROTOCOL §3): its signature of `signingBytes` verifies. */
export function checkSignature(
  tx: Transaction,
  signingBytes: Buffer,
  verifier: SignatureVerifier
): Check {
  if (!verifier(tx, signingBytes))
    return fail('bad_signature', `transaction ${short(tx.id)}: the signature does not verify`)
  return OK
}

/**
 * Every well-formedness rule of PROTOCOL §3 that comes before the signature, in the same order
 * and with the same answers as checkTransactionForm; on success, the signing bytes. The
 * signature itself (the costly rule, and the last one) is the caller's to check.
 */
export function checkFormBeforeSignature(tx: Transaction, genesisHash: string): Result<Buffer> {
  if (isCoinbase(tx)) {
    return fail(
      'bad_transaction',
      `transaction ${short(tx.id)} is a coinbase; only a block's first transaction may be one`
    )
  }
  if (tx.recipient === COINBASE_SENDER) {
    return fail('bad_transaction', `transaction ${short(tx.id)}: recipient "0" is not an address`)
  }
  if (tx.publicKey === null || tx.signature === null) {
    return fail('bad_transaction', `transaction ${short(tx.id)} has no public key or signature`)
  }
  if (addressOf(tx.publicKey) !== tx.sender) {
    return fail(
      'bad_sender',
      `transaction ${short(tx.id)}: sender ${tx.sender} is not the address of its public key`
    )
  }
  if (tx.amount < 1)
    return fail('bad_transaction', `transaction ${short(tx.id)}: amount must be at least 1`)
  const bytes = txSigningBytes(tx, genesisHash)
  const id = sha256Hex(bytes) // txId, from the bytes already built
  if (id !== tx.id) {
    return fail(
      'bad_transaction',
      `transaction id ${short(tx.id)} does not match its contents (expected ${short(id)}; is it for another network?)`
    )
  }
  return { ok: true, value: bytes }
}

/** PROTOCOL §3: a well-formed transfer against an account state: next nonce, enough balance. */
export function checkTransactionState(tx: Transaction, state: StateView): Check {
  const acc = state.account(tx.sender)
  if (tx.nonce !== acc.nonce) {
    return fail(
      'bad_nonce',
      `transaction ${short(tx.id)}: nonce ${tx.nonce}, but the sender's next nonce is ${acc.nonce}`
    )
  }
  if (BigInt(acc.balance) < BigInt(tx.amount) + BigInt(tx.fee)) {
    return fail(
      'insufficient_funds',
      `transaction ${short(tx.id)}: amount ${tx.amount} + fee ${tx.fee} exceeds the sender's balance ${acc.balance}`
    )
  }
  return OK
}

/** What rules 1 to 4 need to know about the parent P and its branch. */
export interface ParentContext {
  readonly parent: BlockHeader & { readonly hash: string }
  /** PROTOCOL §5: expected difficulty of a child of P. */
  readonly expectedDifficulty: number
  /** PROTOCOL §4 rule 4: median of the timestamps of P and up to 10 ancestors. */
  readonly medianTimePast: number
  /** The receiving node's clock, ms. */
  readonly now: number
}

/** PROTOCOL §4 rule 4: median of up to 11 timestamps, position floor(n/2) of the sorted list. */
export function medianTime(timestamps: readonly number[]): number {
  const sorted = [...timestamps].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * The rules of PROTOCOL §4 by name, in the spec's order: the tables below, then rule 7
 * (`transactions`, checkTransactions). The block inspector's report is keyed by these.
 */
export type RuleName =
  | 'version'
  | 'index'
  | 'previous_hash'
  | 'hash'
  | 'difficulty'
  | 'pow'
  | 'time_old'
  | 'time_new'
  | 'tx_count'
  | 'coinbase'
  | 'duplicates'
  | 'merkle_root'
  | 'transactions'

/**
 * One rule of PROTOCOL §4 that a block can be held to on its own: `rule` is its number in the
 * spec's list, `code` the code a block that breaks it is refused with. Consensus (checkHeader,
 * checkBody) and the block inspector (core/inspect.ts) both run these tables, so what the
 * inspector shows is what the node decides.
 */
export interface BlockRule<Ctx> {
  readonly name: RuleName
  readonly rule: 1 | 2 | 3 | 4 | 5 | 6 | 7
  readonly code: RuleCode
  readonly check: (block: Block, ctx: Ctx) => Check
}

/** The context of rules 1 to 4: the parent's, and the network's parameters. */
export interface HeaderRuleContext extends ParentContext {
  readonly network: Network
}

/** PROTOCOL §4 rules 1 to 4, in the spec's order. */
export const HEADER_RULES: readonly BlockRule<HeaderRuleContext>[] = [
  {
    name: 'version',
    rule: 1,
    code: 'bad_version',
    check: (block) =>
      block.version === 1 ? OK : fail('bad_version', `version ${block.version}, must be 1`)
  },
  {
    name: 'index',
    rule: 1,
    code: 'bad_index',
    check: (block, { parent: p }) =>
      block.index === p.index + 1
        ? OK
        : fail(
            'bad_index',
            `index ${block.index}, but the parent's index is ${p.index} (expected ${p.index + 1})`
          )
  },
  {
    name: 'previous_hash',
    rule: 1,
    code: 'bad_previous_hash',
    check: (block, { parent: p }) =>
      block.previousHash === p.hash
        ? OK
        : fail(
            'bad_previous_hash',
            `previous_hash ${short(block.previousHash)} is not the parent's hash ${short(p.hash)}`
          )
  },
  {
    name: 'hash',
    rule: 1,
    code: 'bad_hash',
    check: (block) => {
      const hash = blockHash(block)
      return hash === block.hash
        ? OK
        : fail(
            'bad_hash',
            `hash ${short(block.hash)} is not SHA-256 of the header (${short(hash)})`
          )
    }
  },
  {
    name: 'difficulty',
    rule: 2,
    code: 'bad_difficulty',
    check: (block, ctx) =>
      block.difficulty === ctx.expectedDifficulty
        ? OK
        : fail(
            'bad_difficulty',
            `difficulty ${block.difficulty}, expected ${ctx.expectedDifficulty} at index ${block.index}`
          )
  },
  {
    name: 'pow',
    rule: 3,
    code: 'bad_pow',
    check: (block) => {
      const zeros = leadingZeroBits(block.hash)
      return zeros >= block.difficulty
        ? OK
        : fail(
            'bad_pow',
            `${zeros} leading zero bits, need ${block.difficulty} (index=${block.index} hash=${short(block.hash)})`
          )
    }
  },
  {
    name: 'time_old',
    rule: 4,
    code: 'time_too_old',
    check: (block, ctx) =>
      block.timestamp > ctx.medianTimePast
        ? OK
        : fail(
            'time_too_old',
            `timestamp ${block.timestamp} is not after the median of recent blocks ${ctx.medianTimePast}`
          )
  },
  {
    name: 'time_new',
    rule: 4,
    code: 'time_too_new',
    check: (block, { now, network }) =>
      block.timestamp <= now + network.params.maxFutureMs
        ? OK
        : fail(
            'time_too_new',
            `timestamp ${block.timestamp} is more than ${network.params.maxFutureMs} ms ahead of this node's clock`
          )
  }
]

/** The first of `rules` that `block` breaks, or OK. */
function firstBroken<Ctx>(rules: readonly BlockRule<Ctx>[], block: Block, ctx: Ctx): Check {
  for (const r of rules) {
    const c = r.check(block, ctx)
    if (!c.ok) return c
  }
  return OK
}

/** PROTOCOL §4 rules 1 to 4: header rules against the parent. */
export function checkHeader(block: Block, ctx: ParentContext, network: Network): Check {
  return firstBroken(HEADER_RULES, block, { ...ctx, network })
}

/** PROTOCOL §4 rule 5: the coinbase first, well-shaped, and the only one. */
function checkCoinbaseShape(block: Block, network: Network): Check {
  const txs = block.transactions
  const cb = txs[0]
  if (cb === undefined || !isCoinbase(cb))
    return fail('bad_coinbase', 'the first transaction must be a coinbase (sender "0")')
  if (cb.publicKey !== null || cb.signature !== null)
    return fail('bad_coinbase', 'a coinbase has public_key and signature null')
  if (cb.fee !== 0) return fail('bad_coinbase', `coinbase fee ${cb.fee}, must be 0`)
  if (cb.nonce !== block.index)
    return fail(
      'bad_coinbase',
      `coinbase nonce ${cb.nonce}, must be the block's index ${block.index}`
    )
  if (cb.recipient === COINBASE_SENDER)
    return fail('bad_coinbase', 'the coinbase recipient must be an address')
  if (txId(cb, network.genesisHash) !== cb.id)
    return fail('bad_coinbase', `coinbase id ${short(cb.id)} does not match its contents`)
  for (let i = 1; i < txs.length; i++) {
    if (isCoinbase(txs[i])) return fail('bad_coinbase', `transaction ${i} is a second coinbase`)
  }
  return OK
}

/** PROTOCOL §4 rules 5 and 6, in the spec's order. */
export const BODY_RULES: readonly BlockRule<Network>[] = [
  {
    name: 'tx_count',
    rule: 5,
    code: 'too_many_txs',
    check: (block, network) => {
      const n = block.transactions.length
      const max = network.params.maxBlockTxs
      return n <= max
        ? OK
        : fail('too_many_txs', `${n} transactions, at most ${max} (coinbase included)`)
    }
  },
  { name: 'coinbase', rule: 5, code: 'bad_coinbase', check: checkCoinbaseShape },
  {
    name: 'duplicates',
    rule: 5,
    code: 'duplicate_tx',
    check: (block) => {
      const seen = new Set<string>()
      for (const tx of block.transactions) {
        if (seen.has(tx.id))
          return fail('duplicate_tx', `transaction ${short(tx.id)} appears twice`)
        seen.add(tx.id)
      }
      return OK
    }
  },
  {
    name: 'merkle_root',
    rule: 6,
    code: 'bad_merkle_root',
    check: (block) => {
      const root = merkleRoot(block.transactions.map((t) => t.id))
      return root === block.merkleRoot
        ? OK
        : fail(
            'bad_merkle_root',
            `merkle_root ${short(block.merkleRoot)} does not match the transactions (${short(root)})`
          )
    }
  }
]

/** PROTOCOL §4 rules 5 and 6: transaction count, coinbase shape, duplicates, merkle root. */
export function checkBody(block: Block, network: Network): Check {
  return firstBroken(BODY_RULES, block, network)
}

/**
 * PROTOCOL §4 rule 7: every transfer well-formed and valid against the state left by P and the
 * transactions before it; then the coinbase amount. On success `overlay` holds the state after B.
 */
export function checkTransactions(
  block: Block,
  overlay: StateOverlay,
  network: Network,
  verifier: SignatureVerifier = verifyWithNodeCrypto
): Check {
  const txs = block.transactions
  let fees = 0n
  for (let i = 1; i < txs.length; i++) {
    const tx = txs[i]
    const form = checkTransactionForm(tx, network.genesisHash, verifier)
    if (!form.ok) return form
    const st = checkTransactionState(tx, overlay)
    if (!st.ok) return st
    applyTransaction(overlay, tx)
    fees += BigInt(tx.fee)
  }
  const cb = txs[0]
  const want = BigInt(network.params.blockReward) + fees
  if (BigInt(cb.amount) !== want) {
    return fail(
      'bad_coinbase',
      `coinbase amount ${cb.amount}, must be reward ${network.params.blockReward} + fees ${fees} = ${want}`
    )
  }
  applyTransaction(overlay, cb)
  return OK
}
