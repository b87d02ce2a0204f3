import { sha256, sha256Hex } from './crypto'

const LEAF = Buffer.from([0])
const NODE = Buffer.from([1])

/** Largest power of two strictly smaller than n (n > 1). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

function mth(leaves: readonly Buffer[], from: number, to: number): Buffer {
  const n = to - from
  if (n === 0) return sha256(new Uint8Array(0))
  if (n === 1) return sha256(LEAF, leaves[from])
  const k = split(n)
  return sha256(NODE, mth(leaves, from, from + k), mth(leaves, from + k, to))
}

/** PROTOCOL §4: the RFC 6962 Merkle tree hash over transaction ids (hex), in block order. */
export function merkleRoot(ids: readonly string[]): string {
  const leaves = ids.map((id) => Buffer.from(id, 'hex'))
  // One transaction (every coinbase-only block): the root is its leaf hash, as hex at once.
  if (leaves.length === 1) return sha256Hex(LEAF, leaves[0])
  return mth(leaves, 0, leaves.length).toString('hex')
}

/**
 * One node of the Merkle tree (PROTOCOL §4) over the transactions `from` to `to - 1`: a leaf
 * when it covers one transaction, the empty tree's root when it covers none.
 */
export interface MerkleNode {
  readonly hash: string
  readonly from: number
  readonly to: number
  readonly left?: MerkleNode
  readonly right?: MerkleNode
}

const hex = (h: string): Buffer => Buffer.from(h, 'hex')

function node(ids: readonly string[], from: number, to: number): MerkleNode {
  const n = to - from
  if (n === 0) return { hash: sha256(new Uint8Array(0)).toString('hex'), from, to }
  if (n === 1) return { hash: merkleLeaf(ids[from]), from, to }
  const k = split(n)
  const left = node(ids, from, from + k)
  const right = node(ids, from + k, to)
  return {
    hash: sha256(NODE, hex(left.hash), hex(right.hash)).toString('hex'),
    from,
    to,
    left,
    right
  }
}

/**
 * The whole tree, for showing it: the same hashes as merkleRoot, which the node's hot paths
 * use because it keeps no tree.
 */
export function merkleTree(ids: readonly string[]): MerkleNode {
  return node(ids, 0, ids.length)
}

/** A transaction's leaf: SHA-256(0x00 || id). */
export function merkleLeaf(id: string): string {
  return sha256(LEAF, hex(id)).toString('hex')
}

/** One step of an audit path: the sibling's hash, and on which side of the path it sits. */
export interface MerkleStep {
  readonly hash: string
  readonly side: 'left' | 'right'
}

/**
 * The audit path (RFC 6962 §2.1.1) of transaction `index`: the siblings from the leaf up to the
 * root. With the transaction's id, it is all a reader needs to recompute the root.
 */
export function merkleProof(tree: MerkleNode, index: number): MerkleStep[] {
  if (index < tree.from || index >= tree.to) throw new RangeError(`no transaction ${index}`)
  const steps: MerkleStep[] = []
  let cur = tree
  while (cur.left !== undefined && cur.right !== undefined) {
    if (index < cur.left.to) {
      steps.push({ hash: cur.right.hash, side: 'right' })
      cur = cur.left
    } else {
      steps.push({ hash: cur.left.hash, side: 'left' })
      cur = cur.right
    }
  }
  return steps.reverse()
}

/**
 * The hashes an audit path makes from a transaction id, one per step, the last being the root it
 * leads to: equal to the block's when it proves the transaction.
 */
export function proofHashes(id: string, steps: readonly MerkleStep[]): string[] {
  let h = hex(merkleLeaf(id))
  return steps.map((s) => {
    const sib = hex(s.hash)
    h = s.side === 'left' ? sha256(NODE, sib, h) : sha256(NODE, h, sib)
    return h.toString('hex')
  })
}

/** The root an audit path leads to from a transaction id: equal to the block's when it proves it. */
export function rootFromProof(id: string, steps: readonly MerkleStep[]): string {
  return proofHashes(id, steps).at(-1) ?? merkleLeaf(id)
}
