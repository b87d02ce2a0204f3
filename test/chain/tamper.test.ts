/**
 * The tamper lab's copy (core/tamper.ts) on the protocol's regtest chain vector: edits make a new
 * block and leave the original as it was; an edited transaction's id is its new contents' hash
 * while its signature stays and no longer verifies; the header's root and hash stay as stated;
 * the next block's link holds only while the copy hashes as the original.
 */
import { describe, expect, it } from 'vitest'
import {
  applyEdits,
  blockHash,
  copyBreaks,
  merkleRoot,
  parseBlock,
  signatureHolds,
  txId,
  type Block
} from '../../src/main/core'
import { loadVector } from '../helpers/vectors'

const chain = loadVector('chain-regtest.json')
const genesisHash: string = chain.genesis_hash

function block(wire: unknown): Block {
  const r = parseBlock(wire)
  if (!r.ok) throw new Error(r.message)
  return r.value
}

/** Block 4 of the vector: a coinbase and two transfers; block 5 follows it. */
const original = block(chain.blocks[3])
const next = block(chain.blocks[4])

describe('a copy of a block', () => {
  it('with no edits is the block, and every edited transfer was signed before the edit', () => {
    expect(original.transactions).toHaveLength(3)
    const copy = applyEdits(original, {}, genesisHash)
    expect(copy).toEqual(original)
    expect(copyBreaks(copy, {}, next, genesisHash)).toEqual({
      computedHash: original.hash,
      zeros: expect.any(Number),
      computedMerkleRoot: original.merkleRoot,
      edited: [],
      link: 'holds'
    })
    for (const tx of original.transactions.slice(1))
      expect(signatureHolds(tx, genesisHash)).toBe(true)
    expect(signatureHolds(original.transactions[0], genesisHash)).toBeNull()
  })

  it('gets the id of its new contents, keeps the signature that no longer holds, and the root and hash as stated', () => {
    const before = JSON.stringify(original)
    const edits = { transactions: [{ index: 2, amount: original.transactions[2].amount + 1 }] }
    const copy = applyEdits(original, edits, genesisHash)
    expect(JSON.stringify(original)).toBe(before)
    const tx = copy.transactions[2]
    expect(tx.id).toBe(txId(tx, genesisHash))
    expect(tx.id).not.toBe(original.transactions[2].id)
    expect(tx.signature).toBe(original.transactions[2].signature)
    expect(copy.merkleRoot).toBe(original.merkleRoot)
    expect(copy.hash).toBe(original.hash)
    const breaks = copyBreaks(copy, edits, next, genesisHash)
    expect(breaks.edited).toEqual([{ index: 2, signatureValid: false }])
    expect(breaks.computedMerkleRoot).toBe(merkleRoot(copy.transactions.map((t) => t.id)))
    expect(breaks.computedMerkleRoot).not.toBe(original.merkleRoot)
    // The header is unchanged: it still hashes as the original, and block 5 still links to it.
    expect(breaks.link).toBe('holds')

    const restated = applyEdits(
      original,
      { ...edits, merkleRoot: breaks.computedMerkleRoot },
      genesisHash
    )
    const after = copyBreaks(restated, edits, next, genesisHash)
    expect(after.computedHash).toBe(blockHash(restated))
    expect(after.computedHash).not.toBe(original.hash)
    expect(after.link).toBe('broken')
    expect(copyBreaks(restated, edits, undefined, genesisHash).link).toBe('none')
  })

  it("reports the coinbase's signature as none, and refuses an edit past the last transaction", () => {
    const edits = { transactions: [{ index: 0, amount: 1_000 }] }
    const copy = applyEdits(original, edits, genesisHash)
    expect(copyBreaks(copy, edits, next, genesisHash).edited).toEqual([
      { index: 0, signatureValid: null }
    ])
    expect(() => applyEdits(original, { transactions: [{ index: 3 }] }, genesisHash)).toThrow(
      RangeError
    )
  })
})
