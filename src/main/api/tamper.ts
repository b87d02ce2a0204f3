/**
 * The tamper lab (issue 13): a copy of a stored block, edited by a person, held against every
 * rule; re-mined on this node's miner workers; offered to a peer. The node keeps no copy: each
 * call applies the edits to a fresh copy of the stored block (core/tamper.ts), and nothing here
 * writes to the store, so the stored chain is never touched.
 */
import {
  ADDRESS_PATTERN,
  applyEdits,
  blockToWire,
  COINBASE_SENDER,
  copyBreaks,
  hashBits,
  headerFields,
  verifyWithNodeCrypto,
  type Block,
  type CopyEdits,
  type SignatureVerifier
} from '../core'
import { MinerBusyError } from '../node/mining'
import type {
  ApiMethod,
  CopyMining,
  NodeApiHandlers,
  OfferOutcome,
  TamperReport
} from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { BadArgument, errResult, HASH, httpUrl, int, okResult, str } from './guards'
import { txView } from './views'

export const TAMPER_METHODS = [
  'tamperBlock',
  'mineCopy',
  'cancelCopyMining',
  'offerCopy'
] as const satisfies readonly ApiMethod[]

export type TamperHandlers = Pick<NodeApiHandlers, (typeof TAMPER_METHODS)[number]>

const FIELDS = new Set(['timestamp', 'proof', 'previousHash', 'merkleRoot', 'hash', 'transactions'])
const TX_FIELDS = new Set(['index', 'amount', 'recipient'])

/** The edits, each part checked, against a block of `txCount` transactions. */
export function copyEdits(v: unknown, txCount: number): CopyEdits {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new BadArgument('edits must be an object')
  const o = v as Record<string, unknown>
  const unknown = Object.keys(o).filter((k) => !FIELDS.has(k))
  if (unknown.length > 0) throw new BadArgument(`edits has unknown fields: ${unknown.join(', ')}`)
  const opt = <T>(k: string, check: (x: unknown, name: string) => T): T | undefined =>
    o[k] === undefined ? undefined : check(o[k], `edits.${k}`)
  const hash = (x: unknown, name: string) => str(x, name, HASH)
  let transactions: CopyEdits['transactions']
  if (o.transactions !== undefined) {
    if (!Array.isArray(o.transactions) || o.transactions.length > txCount)
      throw new BadArgument(`edits.transactions must be a list of at most ${txCount} edits`)
    transactions = o.transactions.map((t: unknown, k) => {
      const name = `edits.transactions[${k}]`
      if (typeof t !== 'object' || t === null || Array.isArray(t))
        throw new BadArgument(`${name} must be an object`)
      const e = t as Record<string, unknown>
      const extra = Object.keys(e).filter((f) => !TX_FIELDS.has(f))
      if (extra.length > 0) throw new BadArgument(`${name} has unknown fields: ${extra.join(', ')}`)
      return {
        index: int(e.index, `${name}.index`, 0, txCount - 1),
        amount: e.amount === undefined ? undefined : int(e.amount, `${name}.amount`),
        // An address, or "0" (which the rules refuse as a recipient: a person may try it).
        recipient:
          e.recipient === undefined || e.recipient === COINBASE_SENDER
            ? (e.recipient as string | undefined)
            : str(e.recipient, `${name}.recipient`, ADDRESS_PATTERN)
      }
    })
  }
  return {
    timestamp: opt('timestamp', (x, n) => int(x, n)),
    proof: opt('proof', (x, n) => int(x, n)),
    previousHash: opt('previousHash', hash),
    merkleRoot: opt('merkleRoot', hash),
    hash: opt('hash', hash),
    transactions
  }
}

/** Good signatures remembered by the tamper lab: a block's worth, and then some. */
const GOOD_SIGNATURES = 4_096

/**
 * node:crypto's verifier, remembering the signatures it found good. A copy is checked again on
 * every edit, and its unedited transfers are the same every time (their id commits to their
 * contents, and the id, key and signature together to the check's result): a block of 1,000
 * transfers cost 0.15 s of the node's thread a check, nearly all of it verifying them again.
 */
function rememberingVerifier(): SignatureVerifier {
  const good = new Set<string>()
  return (tx, bytes) => {
    const k = `${tx.id}:${tx.publicKey}:${tx.signature}`
    if (good.has(k)) return true
    const ok = verifyWithNodeCrypto(tx, bytes)
    if (ok) {
      good.add(k)
      if (good.size > GOOD_SIGNATURES) good.delete(good.values().next().value!)
    }
    return ok
  }
}

export function tamperHandlers(
  deps: Pick<UiApiDeps, 'service' | 'mining' | 'peers'>
): TamperHandlers {
  const { service, mining, peers } = deps
  const genesisHash = service.network.genesisHash
  const verifier = rememberingVerifier()

  /** The stored block `hash`, the checked edits and the copy, or undefined for an unknown block. */
  const copyOf = (
    hash: unknown,
    edits: unknown
  ): { original: Block; edits: CopyEdits; copy: Block } | undefined => {
    const original = service.block(str(hash, 'hash', HASH))
    if (original === undefined) return undefined
    const e = copyEdits(edits, original.transactions.length)
    return { original, edits: e, copy: applyEdits(original, e, genesisHash) }
  }
  const noBlock = <T>() => errResult<T>('not_found', 'no block with this hash is known')

  return {
    tamperBlock: guarded(async (hash, edits, txIndex) => {
      const found = copyOf(hash, edits)
      if (found === undefined) return noBlock<TamperReport>()
      const { original, copy } = found
      const i = int(txIndex, 'txIndex', 0, original.transactions.length - 1)
      const nextHash = service.childrenOf(original.hash)[0]
      const next = nextHash === undefined ? undefined : service.header(nextHash)
      const breaks = copyBreaks(
        copy,
        found.edits,
        next === undefined ? undefined : { previousHash: next.previousHash },
        genesisHash,
        verifier
      )
      // Not the inspector's report cache: that is keyed by the stated hash, which a copy shares
      // with its original.
      const rules = service.ruleReport(copy, verifier)
      const signature = breaks.edited.find((x) => x.index === i)
      const copyTx = copy.transactions[i]
      return okResult<TamperReport>({
        original: {
          hash: original.hash,
          index: original.index,
          next: next === undefined ? null : { hash: next.hash, index: next.index }
        },
        header: headerFields(copy),
        statedHash: copy.hash,
        computedHash: breaks.computedHash,
        hashBits: hashBits(breaks.computedHash),
        zeros: breaks.zeros,
        difficulty: copy.difficulty,
        statedMerkleRoot: copy.merkleRoot,
        computedMerkleRoot: breaks.computedMerkleRoot,
        transaction: {
          index: i,
          count: copy.transactions.length,
          original: txView(original.transactions[i]),
          copy: txView(copyTx),
          signature:
            copyTx.sender === COINBASE_SENDER
              ? 'none'
              : (signature?.signatureValid ?? true)
                ? 'valid'
                : 'invalid'
        },
        edited: breaks.edited,
        link: breaks.link,
        rules,
        refusedWith: rules.find((r) => r.status === 'fail')?.code ?? null
      })
    }),

    mineCopy: guarded(async (hash, edits) => {
      const found = copyOf(hash, edits)
      if (found === undefined) return noBlock<CopyMining>()
      const { proof: _proof, hash: _hash, transactions: _txs, ...header } = found.copy
      try {
        const r = await mining.mineCopy(header)
        return okResult<CopyMining>(
          typeof r === 'string'
            ? { solved: false, reason: r }
            : { solved: true, proof: r.proof, hash: r.hash }
        )
      } catch (e) {
        if (e instanceof MinerBusyError) return errResult<CopyMining>('unavailable', e.message)
        throw e
      }
    }),

    cancelCopyMining: guarded(async () => {
      mining.cancelCopy()
      return okResult(null)
    }),

    offerCopy: guarded(async (hash, edits, peerUrl) => {
      const url = httpUrl(peerUrl, 'peerUrl')
      const found = copyOf(hash, edits)
      if (found === undefined) return noBlock<OfferOutcome>()
      const outcome = await peers.offerBlock(url, blockToWire(found.copy))
      if (outcome === undefined)
        return errResult<OfferOutcome>('not_found', `${url} is not one of this node's peers`)
      return okResult(outcome)
    })
  }
}
