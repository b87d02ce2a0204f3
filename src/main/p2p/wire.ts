/**
 * Checks on what peers answer (PROTOCOL §7). Anything a peer sends is untrusted input: these
 * return values, and the peer manager scores a peer down for answers that do not fit.
 */
import {
  blockToWire,
  isHash,
  isObject,
  MAX_JSON_INT,
  MAX_U32,
  NETWORK_PARAMS,
  parseBlock,
  type Block,
  type Transaction
} from '../core'

import { FORK_TREE_SIDE_MAX, type ForkTree, type ForkTreeBlock } from '../../shared/api'

// The peer-URL rule lives in src/shared so the Peers screen applies the same one.
export { normalizeUrl } from '../../shared/peer-url'

/**
 * The most bytes one valid block can take on the wire, as an honest node serialises it
 * (`JSON.stringify(blockToWire(b))`): maxBlockTxs transactions of the largest valid wire size
 * (every number at 2^53 - 1, keys and signatures present) plus the header, doubled as a margin
 * for other implementations' whitespace and number formatting. Every fetch of blocks is capped
 * from it: one block for `GET /blocks/<hash>`, `limit` blocks for a batch, and no element of a
 * batch's list may exceed it either (PROTOCOL §4, §7). About 1 MB with the protocol's 1000.
 */
export const MAX_BLOCK_WIRE_BYTES: number = (() => {
  const big = MAX_JSON_INT
  const hex = (n: number): string => 'f'.repeat(n)
  const tx: Transaction = {
    id: hex(64),
    sender: hex(40),
    recipient: hex(40),
    amount: big,
    fee: big,
    nonce: big,
    publicKey: hex(64),
    signature: hex(128)
  }
  const maxTxs = Math.max(...Object.values(NETWORK_PARAMS).map((p) => p.maxBlockTxs))
  const header: Block = {
    version: MAX_U32,
    index: big,
    timestamp: big,
    previousHash: hex(64),
    merkleRoot: hex(64),
    difficulty: MAX_U32,
    proof: big,
    hash: hex(64),
    transactions: []
  }
  const headerBytes = JSON.stringify(blockToWire(header)).length
  const txBytes =
    JSON.stringify(blockToWire({ ...header, transactions: [tx] })).length - headerBytes
  return 2 * (headerBytes + maxTxs * (txBytes + 1))
})()

/** The size cap of a `GET /blocks?limit=N` answer: N blocks of the largest valid size. */
export function blockListMaxBytes(limit: number): number {
  return 64 + Math.max(1, limit) * (MAX_BLOCK_WIRE_BYTES + 1)
}

export interface PeerStatus {
  network: string
  genesisHash: string
  index: number
  tipHash: string
  totalWork: bigint
}

/** A `GET /status` answer, or a reason it is not one. */
export function parseStatus(v: unknown): PeerStatus | string {
  if (!isObject(v)) return 'status is not a JSON object'
  const { network, genesis_hash, index, tip_hash, total_work } = v
  if (!isHash(genesis_hash)) return 'status.genesis_hash is not a hash'
  if (!isHash(tip_hash)) return 'status.tip_hash is not a hash'
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 1)
    return 'status.index is not a block index'
  if (typeof total_work !== 'string' || !/^[0-9]{1,100}$/.test(total_work))
    return 'status.total_work is not a decimal string'
  return {
    network: typeof network === 'string' ? network.slice(0, 32) : '',
    genesisHash: genesis_hash,
    index,
    tipHash: tip_hash,
    totalWork: BigInt(total_work)
  }
}

/**
 * `{"blocks": [...]}` from `GET /blocks?from=I`: the blocks that parse and follow one another from
 * index `from`, as far as they do (PROTOCOL §7: "a valid prefix is kept, the rest refused"), and
 * what was wrong with the rest, if anything. A reply that is no list at all is only an error.
 */
export function parseBlockList(
  v: unknown,
  from: number,
  limit: number
): { blocks: Block[]; fault?: string } | string {
  if (!isObject(v) || !Array.isArray(v.blocks)) return 'answer has no "blocks" list'
  if (v.blocks.length > limit)
    return `answer has ${v.blocks.length} blocks, more than the ${limit} asked for`
  const out: Block[] = []
  for (let i = 0; i < v.blocks.length; i++) {
    const r = parseBlock(v.blocks[i])
    if (!r.ok) return { blocks: out, fault: `blocks[${i}]: ${r.message}` }
    const b = r.value
    if (b.index !== from + i)
      return { blocks: out, fault: `blocks[${i}] has index ${b.index}, expected ${from + i}` }
    if (i > 0 && b.previousHash !== out[i - 1].hash)
      return { blocks: out, fault: `blocks[${i}] does not follow blocks[${i - 1}]` }
    out.push(b)
  }
  return { blocks: out }
}

/** A single block from `GET /blocks/<hash>`, which must be the block asked for. */
export function parseOneBlock(v: unknown, hash: string): Block | string {
  const r = parseBlock(v)
  if (!r.ok) return r.message
  if (r.value.hash !== hash)
    return `asked for block ${hash.slice(0, 12)}…, got ${r.value.hash.slice(0, 12)}…`
  return r.value
}

/**
 * GET /forks (Blockforge's, not the protocol's: PROTOCOL §7 lists no such route): a node's fork
 * tree (node/fork-tree.ts) in the wire's snake_case, so that a node's Forks screen can draw a
 * peer's tree beside its own.
 */
export function forkTreeToWire(t: ForkTree): object {
  return {
    tip_index: t.tipIndex,
    tip_hash: t.tipHash,
    total_work: t.totalWork,
    side_omitted: t.sideOmitted,
    blocks: t.blocks.map((b) => ({
      hash: b.hash,
      index: b.index,
      previous_hash: b.previousHash,
      status: b.status,
      tx_count: b.txCount,
      timestamp: b.timestamp,
      total_work: b.totalWork
    }))
  }
}

/**
 * The most blocks a fork tree can hold: its side blocks, up to three main blocks beside each and
 * the genesis and tip, and the orphans a node holds (512 by default), with room to spare.
 */
export const MAX_FORK_TREE_BLOCKS = 4 * FORK_TREE_SIDE_MAX + 1_024
/** The most bytes of a GET /forks answer (about 250 bytes a block, doubled). */
export const MAX_FORK_TREE_BYTES = MAX_FORK_TREE_BLOCKS * 500

const isIndex = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isWork = (v: unknown): v is string => typeof v === 'string' && /^[0-9]{1,100}$/.test(v)
const STATUSES = ['main', 'side', 'orphan'] as const

/** A peer's GET /forks answer, every field checked, or what is wrong with it. */
export function parseForkTree(v: unknown): ForkTree | string {
  if (!isObject(v)) return 'fork tree is not a JSON object'
  const { tip_index, tip_hash, total_work, side_omitted, blocks } = v
  if (!isIndex(tip_index)) return 'fork tree: tip_index is not a block index'
  if (!isHash(tip_hash)) return 'fork tree: tip_hash is not a hash'
  if (!isWork(total_work)) return 'fork tree: total_work is not a decimal string'
  if (!isIndex(side_omitted)) return 'fork tree: side_omitted is not a whole number'
  if (!Array.isArray(blocks)) return 'fork tree: blocks is not a list'
  if (blocks.length > MAX_FORK_TREE_BLOCKS)
    return `fork tree: ${blocks.length} blocks, more than ${MAX_FORK_TREE_BLOCKS}`
  const out: ForkTreeBlock[] = []
  for (let i = 0; i < blocks.length; i++) {
    const b: unknown = blocks[i]
    if (!isObject(b)) return `fork tree: blocks[${i}] is not an object`
    const status = STATUSES.find((s) => s === b.status)
    if (
      !isHash(b.hash) ||
      !isIndex(b.index) ||
      !isHash(b.previous_hash) ||
      status === undefined ||
      !isIndex(b.tx_count) ||
      typeof b.timestamp !== 'number' ||
      !Number.isSafeInteger(b.timestamp) ||
      !(b.total_work === null || isWork(b.total_work))
    )
      return `fork tree: blocks[${i}] is not a fork tree block`
    out.push({
      hash: b.hash,
      index: b.index,
      previousHash: b.previous_hash,
      onMain: status === 'main',
      status,
      txCount: b.tx_count,
      timestamp: b.timestamp,
      totalWork: b.total_work
    })
  }
  return {
    tipIndex: tip_index,
    tipHash: tip_hash,
    totalWork: total_work,
    sideOmitted: side_omitted,
    blocks: out
  }
}
