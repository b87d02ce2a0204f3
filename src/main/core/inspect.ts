/**
 * The block inspector's view of a block (PROTOCOL §4): its 96 header bytes field by field, its
 * hash bit by bit, and every validation rule with its result and the values it compared. Pure:
 * the caller supplies the parent's context and the state before the block when it has them.
 *
 * The rules are validate.ts's HEADER_RULES and BODY_RULES and its checkTransactions, the very
 * checks the node accepts or refuses blocks with; here every rule is run, not only up to the
 * first one broken, and each says what it compared.
 */
import { blockHash, headerBytes } from './codec'
import type { Check, RuleCode } from './errors'
import { merkleRoot } from './merkle'
import type { Network } from './networks'
import { leadingZeroBits } from './pow'
import { StateOverlay, type StateView } from './state'
import type { Block, BlockHeader } from './types'
import {
  BODY_RULES,
  checkTransactions,
  HEADER_RULES,
  verifyWithNodeCrypto,
  type HeaderRuleContext,
  type ParentContext,
  type RuleName,
  type SignatureVerifier
} from './validate'

/** The header's fields in byte order, with their sizes (PROTOCOL §4, "Header bytes"). */
export const HEADER_LAYOUT = [
  { name: 'version', length: 4 },
  { name: 'index', length: 8 },
  { name: 'timestamp', length: 8 },
  { name: 'previous_hash', length: 32 },
  { name: 'merkle_root', length: 32 },
  { name: 'difficulty', length: 4 },
  { name: 'proof', length: 8 }
] as const

export type HeaderFieldName = (typeof HEADER_LAYOUT)[number]['name']

export interface HeaderField {
  name: HeaderFieldName
  /** Where the field starts in the 96 bytes. */
  offset: number
  length: number
  /** The field's bytes, as hashed. */
  hex: string
  /** The field's value as the wire carries it (a number as decimal digits, a hash as hex). */
  value: string
}

/** The header's 96 bytes cut into its fields: concatenated, they are exactly headerBytes(h). */
export function headerFields(h: BlockHeader): HeaderField[] {
  const bytes = headerBytes(h)
  const values: Record<HeaderFieldName, string> = {
    version: String(h.version),
    index: String(h.index),
    timestamp: String(h.timestamp),
    previous_hash: h.previousHash,
    merkle_root: h.merkleRoot,
    difficulty: String(h.difficulty),
    proof: String(h.proof)
  }
  let offset = 0
  return HEADER_LAYOUT.map(({ name, length }) => {
    const field = {
      name,
      offset,
      length,
      hex: bytes.subarray(offset, offset + length).toString('hex'),
      value: values[name]
    }
    offset += length
    return field
  })
}

/** A hex hash as its 256 bits, most significant first. */
export function hashBits(hashHex: string): string {
  let bits = ''
  for (const c of hashHex) bits += parseInt(c, 16).toString(2).padStart(4, '0')
  return bits
}

/**
 * `pass` and `fail` are the rule's result; `unchecked` says it could not be run here: the
 * parent is unknown (rules needing it), an earlier rule it depends on is broken (rule 7 needs a
 * coinbase), or the state before the block is not at hand (rule 7 deep in the chain).
 */
export type RuleStatus = 'pass' | 'fail' | 'unchecked'

/** One rule of PROTOCOL §4 held against one block. */
export interface RuleFinding {
  /** The rule's name (validate.ts's tables; `transactions` for rule 7). */
  name: RuleName
  /** Its number in PROTOCOL §4's list. */
  rule: number
  /** The code a block breaking it is refused with (rule 7: the first broken transaction's). */
  code: RuleCode
  status: RuleStatus
  /** The node's words for a broken rule, in English; null otherwise. */
  message: string | null
  /** What the rule compared, by name: the UI words them in the user's language. */
  facts: Record<string, string | number>
}

/** What the report needs besides the block; each part is optional, see RuleStatus. */
export interface RuleReportInput {
  network: Network
  /** The parent's context (validate.ts), when the parent is known. */
  parent?: ParentContext
  /** The state a child of the parent is checked against, when it is at hand. */
  state?: StateView
  /** The node's clock, for rule 4's upper bound when the parent is unknown. */
  now: number
  verifier?: SignatureVerifier
  /** How far the state would have had to be unwound, when it was not: a fact of rule 7. */
  depth?: number
}

/** Rules 1 to 4 that read the parent: unchecked without it. */
const NEEDS_PARENT = new Set<RuleName>(['index', 'previous_hash', 'difficulty', 'time_old'])

/**
 * What rule `name` compares for `block` (as ruleReport's findings say it), named as the UI's
 * wording of it expects: the inputs of the check, for the refusal report as well as the
 * inspector. The parent's values are left out when `input.parent` is.
 */
export function ruleFacts(
  name: RuleName,
  b: Block,
  input: Pick<RuleReportInput, 'network' | 'parent' | 'now'>
): Record<string, string | number> {
  const p = input.parent
  switch (name) {
    case 'version':
      return { version: b.version }
    case 'index':
      return p ? { index: b.index, expected: p.parent.index + 1 } : { index: b.index }
    case 'previous_hash':
      return p
        ? { previousHash: b.previousHash, parentHash: p.parent.hash }
        : { previousHash: b.previousHash }
    case 'hash':
      return { hash: b.hash, computed: blockHash(b) }
    case 'difficulty':
      return p
        ? { difficulty: b.difficulty, expected: p.expectedDifficulty }
        : { difficulty: b.difficulty }
    case 'pow':
      return { zeros: leadingZeroBits(b.hash), need: b.difficulty }
    case 'time_old':
      return p ? { timestamp: b.timestamp, median: p.medianTimePast } : { timestamp: b.timestamp }
    case 'time_new':
      return { timestamp: b.timestamp, latest: input.now + input.network.params.maxFutureMs }
    case 'tx_count':
      return { count: b.transactions.length, max: input.network.params.maxBlockTxs }
    case 'coinbase': {
      const cb = b.transactions[0]
      return cb === undefined ? {} : { nonce: cb.nonce, amount: cb.amount }
    }
    case 'duplicates':
      return { count: b.transactions.length }
    case 'merkle_root':
      return { merkleRoot: b.merkleRoot, computed: merkleRoot(b.transactions.map((t) => t.id)) }
    case 'transactions':
      return { transfers: Math.max(0, b.transactions.length - 1) }
  }
}

/** Rule 7's codes: a transfer's form and state, which name no rule of the tables. */
const TRANSACTION_CODES = new Set<RuleCode>([
  'bad_transaction',
  'bad_signature',
  'bad_sender',
  'bad_nonce',
  'insufficient_funds'
])

/**
 * The rule a block refused with `code` broke: the first of the tables with that code, or rule 7
 * for a transaction's code. `bad_coinbase` is also rule 7's code for a wrong coinbase amount;
 * it is named `coinbase` here, the rule a person looks at for it. Undefined for invalid_field.
 */
export function ruleNameOf(code: RuleCode): RuleName | undefined {
  if (TRANSACTION_CODES.has(code)) return 'transactions'
  return [...HEADER_RULES, ...BODY_RULES].find((r) => r.code === code)?.name
}

/**
 * Every rule of PROTOCOL §4 held against `block`, in the spec's order. The first finding with
 * status `fail` names the code the node refuses the block with (when no rule is unchecked).
 */
export function ruleReport(block: Block, input: RuleReportInput): RuleFinding[] {
  const { network, parent, state, now } = input
  const ctx: HeaderRuleContext | undefined = parent && { ...parent, network }
  const findings: RuleFinding[] = []
  /** A rule's finding from its check's result; `c` undefined: it could not be run. */
  const add = (
    r: Pick<RuleFinding, 'name' | 'rule' | 'code'>,
    c: Check | undefined,
    facts: RuleFinding['facts']
  ): void => {
    findings.push({
      name: r.name,
      rule: r.rule,
      code: c === undefined || c.ok ? r.code : c.code,
      status: c === undefined ? 'unchecked' : c.ok ? 'pass' : 'fail',
      message: c === undefined || c.ok ? null : c.message,
      facts
    })
  }
  for (const r of HEADER_RULES) {
    const facts = ruleFacts(r.name, block, input)
    if (ctx === undefined && NEEDS_PARENT.has(r.name)) add(r, undefined, facts)
    // The rules that do not read the parent see only `now` and the network of this context.
    else add(r, r.check(block, ctx ?? ({ network, now } as HeaderRuleContext)), facts)
  }
  let coinbaseOk = false
  for (const r of BODY_RULES) {
    const c = r.check(block, network)
    if (r.name === 'coinbase') coinbaseOk = c.ok
    add(r, c, ruleFacts(r.name, block, input))
  }
  const facts = ruleFacts('transactions', block, input)
  if (state === undefined && input.depth !== undefined) facts.depth = input.depth
  const rule7 = { name: 'transactions', rule: 7, code: 'bad_transaction' } as const
  const verifier = input.verifier ?? verifyWithNodeCrypto
  // Rule 7 reads the coinbase's amount: without a well-formed coinbase it is not run.
  add(
    rule7,
    coinbaseOk && state !== undefined
      ? checkTransactions(block, new StateOverlay(state), network, verifier)
      : undefined,
    facts
  )
  return findings
}
