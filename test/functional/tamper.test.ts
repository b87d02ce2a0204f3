/**
 * The tamper lab against real nodes: two regtest nodes in this process, B a peer of A with A's
 * chain. A copy of one of A's blocks is edited through A's UI API, and what breaks is what the
 * rules say; re-mined on A's own miner workers; offered to B, which refuses it with the rule it
 * broke or, re-mined and otherwise untouched, keeps it as a side block. A's stored chain is the
 * same before and after every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CopyEdits, TamperReport } from '../../src/shared/api'
import { closeAll, mine, startTestNode, waitFor, type TestNode } from '../helpers/node-harness'

let a: TestNode
let b: TestNode
/** Block 4 of A's chain (blocks 2 and 3 paid A): it carries a transfer, and block 5 follows it. */
let target: string

beforeAll(async () => {
  a = await startTestNode()
  b = await startTestNode()
  await mine(a, 2)
  const sent = await a.node.api.sendTransaction({ recipient: 'ab'.repeat(20), amount: 7, fee: 1 })
  if (!sent.ok) throw new Error(sent.message)
  await mine(a, 2)
  target = a.node.service.mainHash(4)!
  expect(a.node.service.block(target)!.transactions).toHaveLength(2)
  expect((await a.node.api.addPeer(b.url)).ok).toBe(true)
  await waitFor(() => b.node.service.tip().hash === a.node.service.tip().hash, 'B to catch up')
})
afterAll(closeAll)

async function report(edits: CopyEdits, txIndex = 0): Promise<TamperReport> {
  const r = await a.node.api.tamperBlock(target, edits, txIndex)
  if (!r.ok) throw new Error(r.message)
  return r.value
}

const failing = (r: TamperReport) => r.rules.filter((x) => x.status === 'fail').map((x) => x.code)

/** A's stored chain: its tip and the target block as stored. */
function stored() {
  return { tip: a.node.service.tip().hash, block: JSON.stringify(a.node.service.block(target)) }
}

describe('the tamper lab', () => {
  it('shows an unedited copy as the block itself: every rule holds, the next block still links', async () => {
    const r = await report({})
    expect(r.statedHash).toBe(target)
    expect(r.computedHash).toBe(target)
    expect(r.statedMerkleRoot).toBe(r.computedMerkleRoot)
    expect(r.link).toBe('holds')
    expect(r.original.next).toEqual({ hash: a.node.service.mainHash(5), index: 5 })
    expect(failing(r)).toEqual([])
    expect(r.refusedWith).toBeNull()
    expect(r.transaction).toMatchObject({ index: 0, count: 2, signature: 'none' })
  })

  it("breaks the signature, the Merkle root, the hash and the next block's link with one amount", async () => {
    const before = stored()
    const r = await report({ transactions: [{ index: 1, amount: 700 }] }, 1)
    expect(r.transaction.original.amount).toBe(7)
    expect(r.transaction.copy.amount).toBe(700)
    // The id is recomputed from the new contents; the signature cannot be.
    expect(r.transaction.copy.id).not.toBe(r.transaction.original.id)
    expect(r.transaction.signature).toBe('invalid')
    expect(r.edited).toEqual([{ index: 1, signatureValid: false }])
    expect(r.computedMerkleRoot).not.toBe(r.statedMerkleRoot)
    expect(failing(r)).toContain('bad_merkle_root')
    expect(r.refusedWith).toBe('bad_merkle_root')
    // The stated root restated: now the header changed, so its hash does, and the link breaks.
    const r2 = await report({
      transactions: [{ index: 1, amount: 700 }],
      merkleRoot: r.computedMerkleRoot
    })
    expect(r2.computedHash).not.toBe(target)
    expect(r2.refusedWith).toBe('bad_hash')
    expect(r2.link).toBe('broken')
    expect(r2.header.find((f) => f.name === 'merkle_root')!.value).toBe(r.computedMerkleRoot)
    expect(stored()).toEqual(before)
  })

  it('re-mines the copy on the miner workers; a peer refuses it with bad_signature', async () => {
    const before = stored()
    const base = { transactions: [{ index: 1, amount: 700 }] }
    const root = (await report(base)).computedMerkleRoot
    const mined = await a.node.api.mineCopy(target, { ...base, merkleRoot: root })
    expect(mined.ok && mined.value.solved).toBe(true)
    if (!mined.ok || !mined.value.solved) return
    const edits = { ...base, merkleRoot: root, proof: mined.value.proof, hash: mined.value.hash }
    const r = await report(edits)
    expect(r.computedHash).toBe(mined.value.hash)
    expect(r.zeros).toBeGreaterThanOrEqual(r.difficulty)
    // What is left is what no miner can redo: the signature.
    expect(r.refusedWith).toBe('bad_signature')
    const offered = await a.node.api.offerCopy(target, edits, b.url)
    expect(offered).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'refused', httpStatus: 400, code: 'bad_signature' })
    })
    expect(b.node.service.block(mined.value.hash)).toBeUndefined()
    expect(stored()).toEqual(before)
  })

  it('re-mined with only its timestamp changed, the copy is valid: the peer keeps it as a side block', async () => {
    const before = stored()
    const original = a.node.service.block(target)!
    const base = { timestamp: original.timestamp + 1 }
    expect((await report(base)).refusedWith).toBe('bad_hash')
    const mined = await a.node.api.mineCopy(target, base)
    if (!mined.ok || !mined.value.solved) throw new Error('not solved')
    const edits = { ...base, proof: mined.value.proof, hash: mined.value.hash }
    const r = await report(edits)
    expect(failing(r)).toEqual([])
    expect(r.link).toBe('broken') // block 5 names the original
    const offered = await a.node.api.offerCopy(target, edits, b.url)
    expect(offered).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'accepted', status: 'side' })
    })
    // B now has two children of block 3: its main block 4 and the copy, a side branch.
    const parent = original.previousHash
    expect(b.node.service.childrenOf(parent).sort()).toEqual([target, mined.value.hash].sort())
    expect(b.node.service.mainHash(4)).toBe(target)
    // Offered again, B has it.
    expect(await a.node.api.offerCopy(target, edits, b.url)).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'known' })
    })
    expect(stored()).toEqual(before)
    expect(a.node.service.block(mined.value.hash)).toBeUndefined()
  })

  it('refuses edits that are not well-formed, an unknown block and a URL that is not a peer', async () => {
    const bad: unknown[] = [
      null,
      { nonsense: 1 },
      { timestamp: -1 },
      { proof: 1.5 },
      { previousHash: 'xyz' },
      { transactions: [{ index: 2 }] },
      { transactions: [{ index: 1, recipient: 'not an address' }] },
      { transactions: [{ index: 1, amount: 1, fee: 0 }] }
    ]
    for (const edits of bad) {
      const r = await a.node.api.tamperBlock(target, edits as CopyEdits, 0)
      expect(r).toMatchObject({ ok: false, error: 'invalid_field' })
    }
    expect(await a.node.api.tamperBlock('00'.repeat(32), {}, 0)).toMatchObject({
      ok: false,
      error: 'not_found'
    })
    expect(await a.node.api.tamperBlock(target, {}, 2)).toMatchObject({
      ok: false,
      error: 'invalid_field'
    })
    expect(await a.node.api.offerCopy(target, {}, 'http://127.0.0.1:1')).toMatchObject({
      ok: false,
      error: 'not_found'
    })
  })
})

describe("re-mining a copy on the node's workers", () => {
  const hard = () => ({ ...a.node.service.blockTemplate().header, difficulty: 48 })

  it('stops when cancelled, and reports progress meanwhile', async () => {
    const progress: number[] = []
    const off = a.node.subscribe((e) => {
      if (e.type === 'copyMining') progress.push(e.hashes)
    })
    const p = a.node.mining.mineCopy(hard())
    await waitFor(() => progress.length > 0, 'a progress report', 10_000)
    expect(a.node.mining.cancelCopy()).toBe(true)
    expect(await p).toBe('cancelled')
    expect(a.node.mining.cancelCopy()).toBe(false)
    off()
  })

  it("goes on when the node's idle mining is stopped: stopping mining is not cancelling a copy", async () => {
    const p = a.node.mining.mineCopy(hard())
    a.node.mining.stop()
    const progress: number[] = []
    const off = a.node.subscribe((e) => {
      if (e.type === 'copyMining') progress.push(e.hashes)
    })
    // Still hashing after the stop: progress keeps coming.
    await waitFor(() => progress.length > 0, 'progress after the stop', 10_000)
    expect(a.node.mining.cancelCopy()).toBe(true)
    expect(await p).toBe('cancelled')
    off()
  })

  it("gives way to this node's own mining, and is refused while the node mines", async () => {
    const p = a.node.mining.mineCopy(hard())
    const tip = a.node.service.tip().index
    const block = a.node.mining.mineOnce()
    expect(await p).toBe('superseded')
    expect((await block).index).toBe(tip + 1)
    a.node.mining.start()
    try {
      await expect(a.node.mining.mineCopy(hard())).rejects.toThrow(/busy/)
      expect(await a.node.api.mineCopy(target, {})).toMatchObject({
        ok: false,
        error: 'unavailable'
      })
    } finally {
      a.node.mining.stop()
    }
  })
})
