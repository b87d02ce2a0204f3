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
