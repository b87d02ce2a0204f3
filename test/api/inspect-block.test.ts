/**
 * The block inspector's API (src/main/api/lab.ts) on a real regtest node: the header's fields
 * are the bytes whose SHA-256 is the block's hash, every rule of a stored block passes, the
 * genesis block is fixed (no rules), the audit path of every transaction climbs to the block's
 * Merkle root, and the tree is drawn whole only up to INSPECT_TREE_LEAVES. Bad arguments and
 * unknown blocks are refused with their codes.
 */
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import type { RuleName as CoreRuleName } from '../../src/main/core'
import { startNode, type RunningNode } from '../../src/main/app/run'
import {
  INSPECT_TREE_LEAVES,
  type BlockInspection,
  type MerkleNodeView,
  type RuleName
} from '../../src/shared/api'
import { tempDir } from '../helpers/temp'

let node: RunningNode
let dir: ReturnType<typeof tempDir>

beforeEach(async () => {
  dir = tempDir()
  node = await startNode({
    port: 0,
    host: '127.0.0.1',
    dataDir: dir.path,
    network: 'regtest',
    peers: [],
    mine: false,
    threads: 1,
    announce: false
  })
})

afterEach(async () => {
  await node.close()
  dir.remove()
})

const sha = (...hex: string[]): string =>
  createHash('sha256')
    .update(Buffer.concat(hex.map((h) => Buffer.from(h, 'hex'))))
    .digest('hex')

async function inspect(hash: string, txIndex = 0): Promise<BlockInspection> {
  const r = await node.api.inspectBlock(hash, txIndex)
  if (!r.ok) throw new Error(`${r.error}: ${r.message}`)
  return r.value
}

/** Mine a block holding `transfers` transfers from the wallet, after one block that funds them. */
async function blockWithTransfers(transfers: number): Promise<string> {
  expect((await node.api.mineOnce()).ok).toBe(true)
  for (let i = 0; i < transfers; i++) {
    const sent = await node.api.sendTransaction({ recipient: 'ab'.repeat(20), amount: 1, fee: 0 })
    expect(sent.ok).toBe(true)
  }
  const mined = await node.api.mineOnce()
  if (!mined.ok) throw new Error(mined.message)
  expect(mined.value.txCount).toBe(transfers + 1)
  return mined.value.hash
}

function leaves(n: MerkleNodeView): number[] {
  return n.left && n.right ? [...leaves(n.left), ...leaves(n.right)] : [n.from]
}

describe('inspectBlock', () => {
  it("names the node's rules as the contract does", () => {
    expectTypeOf<RuleName>().toEqualTypeOf<CoreRuleName>()
  })

  it('lays out the 96 hashed bytes, passes every rule and climbs each audit path to the root', async () => {
    const hash = await blockWithTransfers(4)
    const v = await inspect(hash)
    const bytes = v.header.map((f) => f.hex).join('')
    expect(bytes.length).toBe(192)
    expect(sha(bytes)).toBe(hash)
    expect(v.header.map((f) => [f.name, f.offset])).toEqual([
      ['version', 0],
      ['index', 4],
      ['timestamp', 12],
      ['previous_hash', 20],
      ['merkle_root', 52],
      ['difficulty', 84],
      ['proof', 88]
    ])
    expect(v.hashBits.indexOf('1')).toBe(v.zeros)
    expect(v.zeros).toBeGreaterThanOrEqual(v.difficulty)
    expect(v.rules!.map((r) => r.status)).toEqual(v.rules!.map(() => 'pass'))
    expect(v.rules!.map((r) => r.name)).toEqual([
      'version',
      'index',
      'previous_hash',
      'hash',
      'difficulty',
      'pow',
      'time_old',
      'time_new',
      'tx_count',
      'coinbase',
      'duplicates',
      'merkle_root',
      'transactions'
    ])
    expect(v.rules!.find((r) => r.name === 'transactions')!.facts).toEqual({ transfers: 4 })
    expect(leaves(v.merkle.tree!)).toEqual([0, 1, 2, 3, 4])
    expect(v.merkle.tree!.hash).toBe(v.merkle.root)
    for (let i = 0; i < 5; i++) {
      const p = await inspect(hash, i)
      expect(p.merkle.leaf).toBe(sha('00', p.merkle.txId))
      let cur = p.merkle.leaf
      for (const s of p.merkle.path) {
        cur = s.side === 'left' ? sha('01', s.sibling, cur) : sha('01', cur, s.sibling)
        expect(s.result).toBe(cur)
      }
      expect(cur).toBe(p.merkle.root)
    }
  })

  it('holds a block to its rules once for every transaction chosen, not again for each', async () => {
    const hash = await blockWithTransfers(3)
    const spy = vi.spyOn(node.service, 'ruleReport')
    const first = await inspect(hash, 0)
    for (let i = 1; i < 4; i++) expect((await inspect(hash, i)).rules).toEqual(first.rules)
    expect(spy).toHaveBeenCalledTimes(1)
  })

  it('shows the genesis block as fixed, with no rules, and its empty tree', async () => {
    const v = await inspect(node.service.network.genesisHash)
    expect(v.rules).toBeNull()
    expect(v.merkle).toMatchObject({ txCount: 0, txId: '', path: [], root: sha('') })
  })

  it(`draws the tree whole up to ${INSPECT_TREE_LEAVES} transactions, and only the path above`, async () => {
    const hash = await blockWithTransfers(INSPECT_TREE_LEAVES) // one more with the coinbase
    // 33 leaves (RFC 6962): a full tree of 32 beside the last one, whose path is one step long.
    const last = await inspect(hash, INSPECT_TREE_LEAVES)
    expect(last.merkle.tree).toBeNull()
    expect(last.merkle.path.map((s) => s.side)).toEqual(['left'])
    expect(last.merkle.path[0].result).toBe(last.merkle.root)
    const first = await inspect(hash, 0)
    expect(first.merkle.path.map((s) => s.side)).toEqual(Array(6).fill('right'))
    expect(first.merkle.path.at(-1)!.result).toBe(first.merkle.root)
  })

  it('refuses bad arguments and unknown blocks with their codes', async () => {
    const tip = node.service.tip().hash
    const cases: [unknown, unknown, string][] = [
      ['zz', 0, 'invalid_field'],
      [tip.toUpperCase(), 0, 'invalid_field'],
      [tip, -1, 'invalid_field'],
      [tip, 1.5, 'invalid_field'],
      [tip, '0', 'invalid_field'],
      ['ab'.repeat(32), 0, 'not_found'],
      [tip, 1, 'invalid_field'] // past the block's last transaction
    ]
    for (const [hash, i, code] of cases) {
      const r = await node.api.inspectBlock(hash as string, i as number)
      expect(r.ok ? 'ok' : r.error, `${String(hash)} ${String(i)}`).toBe(code)
    }
  })
})
