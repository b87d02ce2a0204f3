import { sha256 } from './crypto'

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

function node(leaves: readonly Buffer[], from: number, to: number): MerkleNode & { raw: Buffer } {
  const n = to - from
  if (n === 0) return leaf(sha256(new Uint8Array(0)), from, to)
  if (n === 1) return leaf(sha256(LEAF, leaves[from]), from, to)
  const k = split(n)
  const left = node(leaves, from, from + k)
  const right = node(leaves, from + k, to)
  const raw = sha256(NODE, left.raw, right.raw)
  return { hash: raw.toString('hex'), from, to, left: strip(left), right: strip(right), raw }
}

function leaf(raw: Buffer, from: number, to: number): MerkleNode & { raw: Buffer } {
  return { hash: raw.toString('hex'), from, to, raw }
}

function strip(n: MerkleNode & { raw?: Buffer }): MerkleNode {
  const { raw: _raw, ...rest } = n
  return rest
}

/**
 * The whole tree, for showing it: the same hashes as merkleRoot, which the node's hot paths
 * use because it keeps no tree.
 */
export function merkleTree(ids: readonly string[]): MerkleNode {
  return strip(
    node(
      ids.map((id) => Buffer.from(id, 'hex')),
      0,
      ids.length
    )
  )
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

/** The root an audit path leads to from a transaction id: equal to the block's when it proves it. */
export function rootFromProof(id: string, steps: readonly MerkleStep[]): string {
  let h = sha256(LEAF, Buffer.from(id, 'hex'))
  for (const s of steps) {
    const sib = Buffer.from(s.hash, 'hex')
    h = s.side === 'left' ? sha256(NODE, sib, h) : sha256(NODE, h, sib)
  }
  return h.toString('hex')
}
